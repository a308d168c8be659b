package org.detsearch.coco;

import java.io.Serializable;
import java.util.List;

/**
 * One image and its ground truth in flat arrays, the form shards store and executors ship: boxes as
 * {@code [x, y, w, h]} quadruples in pixels of this (possibly downscaled) image, the original COCO category
 * ids, the contiguous training labels, and the crowd flags.
 */
public record ImageAnnotations(long imageId, String fileName, int width, int height,
                               float[] boxes, int[] categoryIds, int[] labels, boolean[] crowd) implements Serializable {

    public ImageAnnotations {
        int n = categoryIds.length;
        if (boxes.length != 4 * n || labels.length != n || crowd.length != n) {
            throw new IllegalArgumentException("image " + imageId + ": " + boxes.length + " box values for "
                    + n + " category ids, " + labels.length + " labels, " + crowd.length + " crowd flags");
        }
    }

    public static ImageAnnotations of(CocoImage image, List<CocoAnnotation> annotations, LabelMap labels) {
        int n = annotations.size();
        float[] boxes = new float[4 * n];
        int[] categoryIds = new int[n];
        int[] labelArray = new int[n];
        boolean[] crowd = new boolean[n];
        for (int i = 0; i < n; i++) {
            CocoAnnotation a = annotations.get(i);
            boxes[4 * i] = (float) a.bbox().x();
            boxes[4 * i + 1] = (float) a.bbox().y();
            boxes[4 * i + 2] = (float) a.bbox().width();
            boxes[4 * i + 3] = (float) a.bbox().height();
            categoryIds[i] = a.categoryId();
            labelArray[i] = labels.labelOf(a.categoryId());
            crowd[i] = a.crowd();
        }
        return new ImageAnnotations(image.id(), image.fileName(), image.width(), image.height(),
                boxes, categoryIds, labelArray, crowd);
    }

    public int count() {
        return categoryIds.length;
    }

    /** The same image resized to newWidth x newHeight, boxes scaled per axis. */
    public ImageAnnotations resized(int newWidth, int newHeight) {
        float sx = (float) newWidth / width;
        float sy = (float) newHeight / height;
        float[] scaled = new float[boxes.length];
        for (int i = 0; i < boxes.length; i += 4) {
            scaled[i] = boxes[i] * sx;
            scaled[i + 1] = boxes[i + 1] * sy;
            scaled[i + 2] = boxes[i + 2] * sx;
            scaled[i + 3] = boxes[i + 3] * sy;
        }
        return new ImageAnnotations(imageId, fileName, newWidth, newHeight, scaled, categoryIds, labels, crowd);
    }
}

package org.detsearch.eval;

import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.Detection;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/** Detections as parallel primitive arrays, in results-file order: what evaluation reads, without per-box objects. */
public record DetectionTable(long[] imageIds, int[] categoryIds, double[] boxes, double[] scores) {
    public DetectionTable {
        int n = imageIds.length;
        if (categoryIds.length != n || boxes.length != 4 * n || scores.length != n) {
            throw new IllegalArgumentException("detection arrays of different lengths");
        }
    }

    public static DetectionTable of(List<Detection> detections) {
        int n = detections.size();
        long[] images = new long[n];
        int[] categories = new int[n];
        double[] boxes = new double[4 * n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            Detection d = detections.get(i);
            images[i] = d.imageId();
            categories[i] = d.categoryId();
            boxes[4 * i] = d.bbox().x();
            boxes[4 * i + 1] = d.bbox().y();
            boxes[4 * i + 2] = d.bbox().width();
            boxes[4 * i + 3] = d.bbox().height();
            scores[i] = d.score();
        }
        return new DetectionTable(images, categories, boxes, scores);
    }

    /** Reads a COCO results file straight into arrays (no object per detection). */
    public static DetectionTable read(InputStream in, String source) throws IOException {
        Builder builder = new Builder();
        CocoJsonReader.readResults(in, source, builder);
        return builder.build();
    }

    public int size() {
        return imageIds.length;
    }

    /** Collects detections into growing arrays. */
    private static final class Builder implements CocoJsonReader.ResultSink {
        private long[] images = new long[1024];
        private int[] categories = new int[1024];
        private double[] boxes = new double[4096];
        private double[] scores = new double[1024];
        private int size;

        @Override
        public void accept(long imageId, int categoryId, double[] box, double score) {
            if (size == images.length) {
                int capacity = 2 * size;
                images = Arrays.copyOf(images, capacity);
                categories = Arrays.copyOf(categories, capacity);
                boxes = Arrays.copyOf(boxes, 4 * capacity);
                scores = Arrays.copyOf(scores, capacity);
            }
            images[size] = imageId;
            categories[size] = categoryId;
            System.arraycopy(box, 0, boxes, 4 * size, 4);
            scores[size] = score;
            size++;
        }

        DetectionTable build() {
            return new DetectionTable(Arrays.copyOf(images, size), Arrays.copyOf(categories, size),
                    Arrays.copyOf(boxes, 4 * size), Arrays.copyOf(scores, size));
        }
    }
}

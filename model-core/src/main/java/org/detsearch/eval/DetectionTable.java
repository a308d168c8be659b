package org.detsearch.eval;

import org.detsearch.coco.Detection;

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

    public int size() {
        return imageIds.length;
    }
}

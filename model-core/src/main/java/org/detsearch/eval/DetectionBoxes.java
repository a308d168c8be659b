package org.detsearch.eval;

/** A run of detections (one image, one category), sorted by descending score, inside shared primitive arrays. */
final class DetectionBoxes {
    static final DetectionBoxes EMPTY = new DetectionBoxes(new double[0], new double[0], 0, 0);

    private final double[] boxes;
    private final double[] scores;
    private final int start;
    private final int size;

    DetectionBoxes(double[] boxes, double[] scores, int start, int size) {
        this.boxes = boxes;
        this.scores = scores;
        this.start = start;
        this.size = size;
    }

    int size() {
        return size;
    }

    double x(int i) {
        return boxes[4 * (start + i)];
    }

    double y(int i) {
        return boxes[4 * (start + i) + 1];
    }

    double w(int i) {
        return boxes[4 * (start + i) + 2];
    }

    double h(int i) {
        return boxes[4 * (start + i) + 3];
    }

    double[] scores() {
        return java.util.Arrays.copyOfRange(scores, start, start + size);
    }
}

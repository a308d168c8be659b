package org.detsearch.eval;

/** A run of detections (one image, one category), sorted by descending score, inside shared primitive arrays. */
final class DetectionBoxes extends BoxRun {
    private final double[] scores;

    DetectionBoxes(double[] boxes, double[] scores, int start, int size) {
        super(boxes, start, size);
        this.scores = scores;
    }

    double[] scores() {
        return java.util.Arrays.copyOfRange(scores, start, start + size());
    }
}

package org.detsearch.eval;

/** A run of ground-truth boxes (one image, one category) inside shared primitive arrays. */
final class GroundTruthBoxes {
    static final GroundTruthBoxes EMPTY = new GroundTruthBoxes(new double[0], new double[0], new boolean[0], new long[0], 0, 0);

    private final double[] boxes;
    private final double[] areas;
    private final boolean[] crowd;
    private final long[] ids;
    private final int start;
    private final int size;

    GroundTruthBoxes(double[] boxes, double[] areas, boolean[] crowd, long[] ids, int start, int size) {
        this.boxes = boxes;
        this.areas = areas;
        this.crowd = crowd;
        this.ids = ids;
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

    /** The annotation's own area field (a mask area in COCO), not w*h. */
    double area(int i) {
        return areas[start + i];
    }

    boolean crowd(int i) {
        return crowd[start + i];
    }

    long id(int i) {
        return ids[start + i];
    }
}

package org.detsearch.eval;

/** A run of [x, y, w, h] boxes inside a shared flat array: one image and category's boxes without copying. */
abstract class BoxRun {
    private final double[] boxes;
    protected final int start;
    private final int size;

    BoxRun(double[] boxes, int start, int size) {
        this.boxes = boxes;
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
}

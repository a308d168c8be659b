package org.detsearch.eval;

/** A run of ground-truth boxes (one image, one category) inside shared primitive arrays. */
final class GroundTruthBoxes extends BoxRun {
    private final double[] areas;
    private final boolean[] crowd;
    private final long[] ids;

    GroundTruthBoxes(double[] boxes, double[] areas, boolean[] crowd, long[] ids, int start, int size) {
        super(boxes, start, size);
        this.areas = areas;
        this.crowd = crowd;
        this.ids = ids;
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

package org.detsearch.detection;

/**
 * Assigns ground-truth boxes to anchors as EfficientDet's ArgMax matcher does: each anchor takes the box it
 * overlaps most if that IoU is >= 0.5, and is background below 0.5 (no ignore band); then every box is forced
 * onto its best anchor, even below 0.5, so that no object goes without a positive anchor (a box's best anchor
 * that several boxes want goes to the first of them). Ties in IoU go to the lowest index, as argmax does.
 * Crowd regions are left out of training entirely (the reference drops them before matching).
 */
public final class AnchorMatcher {
    private final AnchorGrid anchors;
    private final double threshold;

    public AnchorMatcher(AnchorGrid anchors, double threshold) {
        this.anchors = anchors;
        this.threshold = threshold;
    }

    public AnchorMatcher(AnchorGrid anchors) {
        this(anchors, 0.5);
    }

    /**
     * @param boxes  ground truth as [ymin, xmin, ymax, xmax] quadruples in input pixels
     * @param labels contiguous labels per box
     * @param crowd  crowd flags per box (crowd boxes are skipped)
     */
    public AnchorTargets match(double[] boxes, int[] labels, boolean[] crowd) {
        int n = anchors.size();
        double[] anchorBoxes = anchors.boxes();
        int[] best = new int[n];
        double[] bestIou = new double[n];
        java.util.Arrays.fill(best, -1);
        int g = labels.length;
        int[] bestAnchorOfBox = new int[g];
        for (int j = 0; j < g; j++) {
            bestAnchorOfBox[j] = -1;
            if (crowd[j]) {
                continue;
            }
            double bestForBox = -1;
            for (int a = 0; a < n; a++) {
                double iou = iou(anchorBoxes, 4 * a, boxes, 4 * j);
                if (iou > bestIou[a] || best[a] == -1 && iou >= bestIou[a]) {
                    bestIou[a] = iou;
                    best[a] = j;
                }
                if (iou > bestForBox) {
                    bestForBox = iou;
                    bestAnchorOfBox[j] = a;
                }
            }
        }
        int[] matched = new int[n];
        for (int a = 0; a < n; a++) {
            matched[a] = best[a] >= 0 && bestIou[a] >= threshold ? best[a] : -1;
        }
        // Forced matches win over threshold matches; for an anchor forced by several boxes the first box wins,
        // so walk the boxes backwards and let earlier ones overwrite.
        for (int j = g - 1; j >= 0; j--) {
            if (bestAnchorOfBox[j] >= 0) {
                matched[bestAnchorOfBox[j]] = j;
            }
        }
        int[] classes = new int[n];
        float[] targets = new float[4 * n];
        int positives = 0;
        for (int a = 0; a < n; a++) {
            int j = matched[a];
            if (j < 0) {
                classes[a] = AnchorTargets.NEGATIVE;
            } else {
                classes[a] = labels[j];
                BoxCoder.encode(boxes, 4 * j, anchorBoxes, 4 * a, targets, 4 * a);
                positives++;
            }
        }
        return new AnchorTargets(classes, targets, positives);
    }

    /** IoU of two [ymin, xmin, ymax, xmax] boxes (continuous coordinates, no +1). */
    static double iou(double[] a, int i, double[] b, int j) {
        double h = Math.min(a[i + 2], b[j + 2]) - Math.max(a[i], b[j]);
        double w = Math.min(a[i + 3], b[j + 3]) - Math.max(a[i + 1], b[j + 1]);
        if (h <= 0 || w <= 0) {
            return 0;
        }
        double intersection = h * w;
        double union = (a[i + 2] - a[i]) * (a[i + 3] - a[i + 1]) + (b[j + 2] - b[j]) * (b[j + 3] - b[j + 1]) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}

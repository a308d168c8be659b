package org.detsearch.eval;

/**
 * Intersection over union of COCO boxes [x, y, w, h] as pycocotools computes it: no "+1" on widths, no
 * clipping to the image, box areas from w*h. For a crowd ground truth the union is replaced by the detection's
 * own area, so a detection inside a crowd region scores 1 however small it is.
 */
final class BoxIou {
    private BoxIou() {
    }

    static double iou(double dx, double dy, double dw, double dh, double gx, double gy, double gw, double gh, boolean crowd) {
        double w = Math.min(dx + dw, gx + gw) - Math.max(dx, gx);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(dy + dh, gy + gh) - Math.max(dy, gy);
        if (h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double detectionArea = dw * dh;
        double union = crowd ? detectionArea : detectionArea + gw * gh - intersection;
        return intersection / union;
    }
}

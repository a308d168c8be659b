package org.detsearch.detection;

import java.util.ArrayList;
import java.util.List;

/**
 * Non-maximum suppression of the boxes of one class. Greedy: repeatedly keep the highest-scoring remaining box
 * (the earliest on ties), then either drop the boxes overlapping it by IoU > threshold (hard) or scale their
 * scores by exp(-IoU^2 / sigma) (Gaussian soft-NMS, automl's {@code nms_np.soft_nms}) and drop those that fall
 * below the score threshold.
 */
public final class Nms {
    private Nms() {
    }

    /**
     * @param boxes  [ymin, xmin, ymax, xmax] quadruples
     * @param scores one score per box (not modified)
     * @return indices of the kept boxes with their final scores, best first, at most {@code spec.maxDetections()}
     */
    public static List<Kept> suppress(double[] boxes, double[] scores, NmsSpec spec) {
        int n = scores.length;
        double[] current = scores.clone();
        boolean[] alive = new boolean[n];
        int remaining = 0;
        for (int i = 0; i < n; i++) {
            alive[i] = current[i] >= spec.scoreThreshold();
            remaining += alive[i] ? 1 : 0;
        }
        List<Kept> kept = new ArrayList<>();
        while (remaining > 0 && kept.size() < spec.maxDetections()) {
            int top = -1;
            for (int i = 0; i < n; i++) {
                if (alive[i] && (top < 0 || current[i] > current[top])) {
                    top = i;
                }
            }
            kept.add(new Kept(top, current[top]));
            alive[top] = false;
            remaining--;
            for (int i = 0; i < n; i++) {
                if (!alive[i]) {
                    continue;
                }
                double iou = AnchorMatcher.iou(boxes, 4 * top, boxes, 4 * i);
                if (spec.method() == NmsMethod.HARD) {
                    if (iou > spec.iouThreshold()) {
                        alive[i] = false;
                        remaining--;
                    }
                } else {
                    current[i] *= Math.exp(-(iou * iou) / spec.sigma());
                    if (current[i] < spec.scoreThreshold()) {
                        alive[i] = false;
                        remaining--;
                    }
                }
            }
        }
        return kept;
    }

    /** A box that survived, by its index in the input, with its (possibly decayed) score. */
    public record Kept(int index, double score) {
    }
}

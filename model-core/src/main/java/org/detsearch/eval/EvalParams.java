package org.detsearch.eval;

import java.util.List;

/**
 * The parameters of COCO bbox evaluation, with the exact floating-point values pycocotools uses.
 * <p>
 * IoU thresholds and recall points are what numpy's {@code linspace} produces: {@code start + i * step} with
 * {@code step = (stop - start) / (num - 1)} and the last point set to {@code stop}. That makes the ninth IoU
 * threshold 0.8999999999999999, not 0.9, which decides matches with an IoU of exactly 0.9.
 * Area ranges are closed at both ends and use 1e5^2 as "infinity", as pycocotools does.
 */
public record EvalParams(double[] iouThresholds, double[] recallThresholds, int[] maxDets, List<AreaRange> areaRanges) {

    /** A named range of object areas in pixels^2, closed at both ends: lo <= area <= hi. */
    public record AreaRange(String label, double lo, double hi) {
        public boolean contains(double area) {
            return !(area < lo || area > hi);
        }
    }

    public static final EvalParams COCO = new EvalParams(
            linspace(0.5, 0.95, 10),
            linspace(0.0, 1.0, 101),
            new int[] {1, 10, 100},
            List.of(new AreaRange("all", 0, 1e10), new AreaRange("small", 0, 32 * 32),
                    new AreaRange("medium", 32 * 32, 96 * 96), new AreaRange("large", 96 * 96, 1e10)));

    /** numpy.linspace(start, stop, num) value for value. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] values = new double[num];
        for (int i = 0; i < num; i++) {
            values[i] = i * step + start;
        }
        values[num - 1] = stop;
        return values;
    }

    /** The index of an IoU threshold given exactly (as pycocotools' {@code np.where(iouThr == p.iouThrs)}), or -1. */
    public int iouIndex(double threshold) {
        for (int i = 0; i < iouThresholds.length; i++) {
            if (iouThresholds[i] == threshold) {
                return i;
            }
        }
        return -1;
    }

    public int maxDetIndex(int maxDet) {
        for (int i = 0; i < maxDets.length; i++) {
            if (maxDets[i] == maxDet) {
                return i;
            }
        }
        return -1;
    }

    public int areaIndex(String label) {
        for (int i = 0; i < areaRanges.size(); i++) {
            if (areaRanges.get(i).label().equals(label)) {
                return i;
            }
        }
        return -1;
    }

    public int largestMaxDet() {
        return maxDets[maxDets.length - 1];
    }
}

package org.detsearch.eval;

import java.util.List;

/**
 * Greedy COCO matching of one image and category, exactly as pycocotools' {@code evaluateImg}:
 * <ul>
 * <li>ground truth is ignored when it is a crowd region ({@code ignore} is overwritten by {@code iscrowd}) or its
 *     {@code area} field is outside the range; ignored boxes go last, each group keeping file order;</li>
 * <li>detections go in score order (stable, so ties keep file order); each takes the unmatched ground truth with
 *     the highest IoU >= min(threshold, 1 - 1e-10); crowd boxes may be matched any number of times; once a
 *     detection holds a regular box it stops at the first ignored one (pycocotools' {@code break});</li>
 * <li>a detection matched to an ignored box is ignored, and so is an unmatched one whose own area (w*h) is
 *     outside the range.</li>
 * </ul>
 * A match to a ground truth whose id is 0 does not count as a match afterwards, because pycocotools records
 * matches by id and tests them for being non-zero; that is kept so results stay identical.
 */
final class Matcher {
    private final EvalParams params;

    Matcher(EvalParams params) {
        this.params = params;
    }

    /**
     * @param gt ground truth of the image and category, in file order
     * @param dt detections, already sorted by descending score (stable) and cut to the largest maxDets
     */
    ImageCategoryEval match(int category, int image, GroundTruthBoxes gt, DetectionBoxes dt) {
        int g = gt.size();
        int d = dt.size();
        double[] iou = new double[d * g];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < g; j++) {
                iou[i * g + j] = BoxIou.iou(dt.x(i), dt.y(i), dt.w(i), dt.h(i), gt.x(j), gt.y(j), gt.w(j), gt.h(j), gt.crowd(j));
            }
        }
        List<EvalParams.AreaRange> areas = params.areaRanges();
        double[] thresholds = params.iouThresholds();
        int t = thresholds.length;
        byte[] flags = new byte[areas.size() * t * d];
        int[] nonIgnored = new int[areas.size()];
        int[] order = new int[g];
        boolean[] ignored = new boolean[g];
        boolean[] taken = new boolean[g];
        for (int a = 0; a < areas.size(); a++) {
            EvalParams.AreaRange range = areas.get(a);
            int next = 0;
            for (int j = 0; j < g; j++) {
                ignored[j] = gt.crowd(j) || !range.contains(gt.area(j));
                if (!ignored[j]) {
                    order[next++] = j;
                }
            }
            nonIgnored[a] = next;
            for (int j = 0; j < g; j++) {
                if (ignored[j]) {
                    order[next++] = j;
                }
            }
            for (int ti = 0; ti < t; ti++) {
                java.util.Arrays.fill(taken, false);
                int base = (a * t + ti) * d;
                for (int i = 0; i < d; i++) {
                    double best = Math.min(thresholds[ti], 1 - 1e-10);
                    int m = -1;
                    for (int k = 0; k < g; k++) {
                        int j = order[k];
                        if (taken[j] && !gt.crowd(j)) {
                            continue;
                        }
                        if (m > -1 && !ignored[m] && ignored[j]) {
                            break;
                        }
                        if (iou[i * g + j] < best) {
                            continue;
                        }
                        best = iou[i * g + j];
                        m = j;
                    }
                    boolean matched = false;
                    byte flag = 0;
                    if (m != -1) {
                        taken[m] = true;
                        matched = gt.id(m) != 0;
                        if (ignored[m]) {
                            flag |= ImageCategoryEval.IGNORED;
                        }
                    }
                    if (matched) {
                        flag |= ImageCategoryEval.MATCHED;
                    } else if (!range.contains(dt.w(i) * dt.h(i))) {
                        flag |= ImageCategoryEval.IGNORED;
                    }
                    flags[base + i] = flag;
                }
            }
        }
        return new ImageCategoryEval(category, image, nonIgnored, dt.scores(), flags);
    }
}

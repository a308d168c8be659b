package org.detsearch.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * pycocotools' {@code accumulate}: precision at 101 recall points and final recall, per IoU threshold,
 * category, area range and maxDets, from the per-image matches of all images.
 * <ul>
 * <li>each image contributes its first maxDets detections (by score); all images' detections of a category are
 *     then sorted by descending score, stably, so ties keep ascending image id and then file order;</li>
 * <li>precision is tp / (tp + fp + eps) with eps = 2^-52 (numpy's spacing(1)), made non-increasing from the
 *     right, and read at each recall point r at the first position whose recall is >= r (searchsorted 'left');
 *     recall points past the last reached recall get precision 0;</li>
 * <li>ignored detections stay in the sequence (they add neither tp nor fp);</li>
 * <li>a category with no ground truth that counts in an area range keeps -1 there, and summaries skip -1.</li>
 * </ul>
 */
final class Accumulator {
    private static final double EPS = Math.ulp(1.0);

    private final EvalParams params;
    private final int categories;

    Accumulator(EvalParams params, int categories) {
        this.params = params;
        this.categories = categories;
    }

    /** Precision [T][R][K][A][M] and recall [T][K][A][M], flattened, -1 where undefined. */
    record Curves(double[] precision, double[] recall, int t, int r, int k, int a, int m) {
        double precision(int ti, int ri, int ki, int ai, int mi) {
            return precision[(((ti * r + ri) * k + ki) * a + ai) * m + mi];
        }

        double recall(int ti, int ki, int ai, int mi) {
            return recall[((ti * k + ki) * a + ai) * m + mi];
        }
    }

    Curves accumulate(Collection<ImageCategoryEval> evals) {
        int t = params.iouThresholds().length;
        int r = params.recallThresholds().length;
        int a = params.areaRanges().size();
        int m = params.maxDets().length;
        double[] precision = new double[t * r * categories * a * m];
        double[] recall = new double[t * categories * a * m];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        Curves curves = new Curves(precision, recall, t, r, categories, a, m);

        List<List<ImageCategoryEval>> byCategory = new ArrayList<>();
        for (int k = 0; k < categories; k++) {
            byCategory.add(new ArrayList<>());
        }
        for (ImageCategoryEval e : evals) {
            byCategory.get(e.category()).add(e);
        }
        IntStream.range(0, categories).parallel().forEach(k -> {
            List<ImageCategoryEval> entries = byCategory.get(k);
            entries.sort(Comparator.comparingInt(ImageCategoryEval::image));
            for (int mi = 0; mi < m; mi++) {
                accumulateCategory(curves, k, mi, entries);
            }
        });
        return curves;
    }

    private void accumulateCategory(Curves c, int k, int mi, List<ImageCategoryEval> entries) {
        if (entries.isEmpty()) {
            return;
        }
        int maxDet = params.maxDets()[mi];
        int total = 0;
        for (ImageCategoryEval e : entries) {
            total += Math.min(maxDet, e.detections());
        }
        double[] scores = new double[total];
        int[] entryOf = new int[total];
        int[] positionOf = new int[total];
        int n = 0;
        for (int ei = 0; ei < entries.size(); ei++) {
            ImageCategoryEval e = entries.get(ei);
            for (int p = 0; p < Math.min(maxDet, e.detections()); p++) {
                scores[n] = e.scores()[p];
                entryOf[n] = ei;
                positionOf[n] = p;
                n++;
            }
        }
        int[] order = IntStream.range(0, total).toArray();
        StableSort.sort(order, (x, y) -> StableSort.descending(scores[x], scores[y]));

        double[] recallPoints = params.recallThresholds();
        double[] rc = new double[total];
        double[] pr = new double[total];
        for (int ai = 0; ai < c.a(); ai++) {
            long countable = 0;
            for (ImageCategoryEval e : entries) {
                countable += e.nonIgnoredGt()[ai];
            }
            if (countable == 0) {
                continue;
            }
            for (int ti = 0; ti < c.t(); ti++) {
                double tp = 0;
                double fp = 0;
                for (int i = 0; i < total; i++) {
                    int s = order[i];
                    byte flag = entries.get(entryOf[s]).flag(ai, ti, c.t(), positionOf[s]);
                    if ((flag & ImageCategoryEval.IGNORED) == 0) {
                        if ((flag & ImageCategoryEval.MATCHED) != 0) {
                            tp++;
                        } else {
                            fp++;
                        }
                    }
                    rc[i] = tp / countable;
                    pr[i] = tp / (fp + tp + EPS);
                }
                c.recall()[((ti * c.k() + k) * c.a() + ai) * c.m() + mi] = total > 0 ? rc[total - 1] : 0;
                for (int i = total - 1; i > 0; i--) {
                    if (pr[i] > pr[i - 1]) {
                        pr[i - 1] = pr[i];
                    }
                }
                int position = 0;
                for (int ri = 0; ri < recallPoints.length; ri++) {
                    while (position < total && rc[position] < recallPoints[ri]) {
                        position++;
                    }
                    double value = position < total ? pr[position] : 0;
                    c.precision()[(((ti * c.r() + ri) * c.k() + k) * c.a() + ai) * c.m() + mi] = value;
                }
            }
        }
    }
}

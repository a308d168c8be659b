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
            if (!entries.isEmpty()) {
                accumulateCategory(curves, k, entries);
            }
        });
        return curves;
    }

    /**
     * One category, every area range and maxDets. The detections are sorted once with the largest maxDets: a
     * smaller maxDets keeps the sorted detections whose rank in their image is below it, which is the same
     * sequence because the sort is stable.
     */
    private void accumulateCategory(Curves c, int k, List<ImageCategoryEval> entries) {
        int largest = params.largestMaxDet();
        int total = 0;
        for (ImageCategoryEval e : entries) {
            total += Math.min(largest, e.detections());
        }
        double[] scores = new double[total];
        int[] entryOf = new int[total];
        int[] rankOf = new int[total];
        int n = 0;
        for (int ei = 0; ei < entries.size(); ei++) {
            ImageCategoryEval e = entries.get(ei);
            for (int p = 0; p < Math.min(largest, e.detections()); p++) {
                scores[n] = e.scores()[p];
                entryOf[n] = ei;
                rankOf[n] = p;
                n++;
            }
        }
        int[] order = IntStream.range(0, total).toArray();
        StableSort.sort(order, (x, y) -> StableSort.descending(scores[x], scores[y]));
        // The flags of every (area, threshold) in sorted order, contiguous per (area, threshold).
        int at = c.a() * c.t();
        byte[] flags = new byte[at * total];
        int[] ranks = new int[total];
        for (int i = 0; i < total; i++) {
            int s = order[i];
            ImageCategoryEval e = entries.get(entryOf[s]);
            ranks[i] = rankOf[s];
            for (int j = 0; j < at; j++) {
                flags[j * total + i] = e.flags()[j * e.detections() + rankOf[s]];
            }
        }
        long[] countable = new long[c.a()];
        for (ImageCategoryEval e : entries) {
            for (int ai = 0; ai < c.a(); ai++) {
                countable[ai] += e.nonIgnoredGt()[ai];
            }
        }
        double[] rc = new double[total];
        double[] pr = new double[total];
        for (int mi = 0; mi < c.m(); mi++) {
            int maxDet = params.maxDets()[mi];
            for (int ai = 0; ai < c.a(); ai++) {
                if (countable[ai] == 0) {
                    continue;
                }
                for (int ti = 0; ti < c.t(); ti++) {
                    int base = (ai * c.t() + ti) * total;
                    int nd = 0;
                    double tp = 0;
                    double fp = 0;
                    for (int i = 0; i < total; i++) {
                        if (ranks[i] >= maxDet) {
                            continue;
                        }
                        byte flag = flags[base + i];
                        if ((flag & ImageCategoryEval.IGNORED) == 0) {
                            if ((flag & ImageCategoryEval.MATCHED) != 0) {
                                tp++;
                            } else {
                                fp++;
                            }
                        }
                        rc[nd] = tp / countable[ai];
                        pr[nd] = tp / (fp + tp + EPS);
                        nd++;
                    }
                    store(c, k, ai, mi, ti, rc, pr, nd);
                }
            }
        }
    }

    /** Recall and the 101-point precision of one (threshold, category, area, maxDets) from its curve. */
    private void store(Curves c, int k, int ai, int mi, int ti, double[] rc, double[] pr, int nd) {
        c.recall()[((ti * c.k() + k) * c.a() + ai) * c.m() + mi] = nd > 0 ? rc[nd - 1] : 0;
        for (int i = nd - 1; i > 0; i--) {
            if (pr[i] > pr[i - 1]) {
                pr[i - 1] = pr[i];
            }
        }
        double[] recallPoints = params.recallThresholds();
        int position = 0;
        for (int ri = 0; ri < recallPoints.length; ri++) {
            while (position < nd && rc[position] < recallPoints[ri]) {
                position++;
            }
            c.precision()[(((ti * c.r() + ri) * c.k() + k) * c.a() + ai) * c.m() + mi] = position < nd ? pr[position] : 0;
        }
    }
}

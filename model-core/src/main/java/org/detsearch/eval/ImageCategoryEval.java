package org.detsearch.eval;

import java.io.Serializable;

/**
 * The matching of one image's detections of one category against its ground truth, for every area range and
 * IoU threshold (pycocotools' {@code evaluateImg} for all area ranges at once). Independent of every other
 * image, so it can be computed anywhere (e.g. on Spark executors) and merged by {@link Accumulator}.
 *
 * @param category       category index (position in the sorted category ids)
 * @param image          image index (position in the sorted image ids)
 * @param nonIgnoredGt   per area range: ground-truth boxes that count (not crowd, area inside the range)
 * @param scores         detection scores, highest first (ties in file order), at most the largest maxDets
 * @param flags          per (area, threshold, detection): {@link #MATCHED} and {@link #IGNORED} bits
 */
public record ImageCategoryEval(int category, int image, int[] nonIgnoredGt, double[] scores, byte[] flags)
        implements Serializable {

    /** The detection matched a ground truth whose id is not 0 (pycocotools tests matches by the id being non-zero). */
    public static final byte MATCHED = 1;
    /** The detection is ignored: matched to a crowd or out-of-range box, or unmatched and itself out of range. */
    public static final byte IGNORED = 2;

    public int detections() {
        return scores.length;
    }
}

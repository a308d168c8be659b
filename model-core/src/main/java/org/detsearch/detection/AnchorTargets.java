package org.detsearch.detection;

/**
 * Training targets of one image for every anchor: the class (contiguous label, {@link #NEGATIVE} for background,
 * {@link #IGNORED} for anchors that take no part) and the encoded box of the matched ground truth.
 *
 * @param classes   per anchor: label >= 0, NEGATIVE or IGNORED
 * @param boxes     per anchor: (ty, tx, th, tw) of its matched box, zeros elsewhere
 * @param positives anchors with a label
 */
public record AnchorTargets(int[] classes, float[] boxes, int positives) {
    public static final int NEGATIVE = -1;
    public static final int IGNORED = -2;
}

package org.detsearch.detection;

import org.detsearch.image.PreparedImage;

/**
 * Training labels for the two heads, in the layout the losses read: per anchor, class one-hot rows of
 * {@code numClasses} (all zero for background) and (ty, tx, th, tw), with masks that zero ignored anchors (class)
 * and non-positive anchors (box). Rows follow the {@link AnchorGrid} order. Built on executors, per image.
 */
public final class TargetEncoder {
    private final AnchorMatcher matcher;
    private final int numClasses;

    public TargetEncoder(AnchorGrid anchors, int numClasses) {
        this.matcher = new AnchorMatcher(anchors);
        this.numClasses = numClasses;
    }

    /** Labels and masks of one image, flat: class [anchors * K], box [anchors * 4]. */
    public record Encoded(float[] classLabels, float[] classMask, float[] boxLabels, float[] boxMask, int positives) {
    }

    public Encoded encode(PreparedImage image) {
        AnchorTargets targets = matcher.match(image.boxes(), image.labels(), image.crowd());
        int anchors = targets.classes().length;
        float[] classLabels = new float[anchors * numClasses];
        float[] classMask = new float[anchors * numClasses];
        float[] boxMask = new float[anchors * 4];
        for (int a = 0; a < anchors; a++) {
            int c = targets.classes()[a];
            if (c != AnchorTargets.IGNORED) {
                java.util.Arrays.fill(classMask, a * numClasses, (a + 1) * numClasses, 1f);
            }
            if (c >= 0) {
                if (c >= numClasses) {
                    throw new IllegalArgumentException("label " + c + " of image " + image.imageId()
                            + " is outside the " + numClasses + " classes");
                }
                classLabels[a * numClasses + c] = 1f;
                java.util.Arrays.fill(boxMask, 4 * a, 4 * a + 4, 1f);
            }
        }
        return new Encoded(classLabels, classMask, targets.boxes(), boxMask, targets.positives());
    }
}

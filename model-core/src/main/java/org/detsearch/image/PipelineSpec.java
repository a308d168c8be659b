package org.detsearch.image;

/**
 * The image pipeline of EfficientDet's reference input processor.
 *
 * @param size       square network input side (512 for D0)
 * @param jitterMin  smallest random scale of the target size in training (0.1)
 * @param jitterMax  largest random scale (2.0)
 * @param flip       random horizontal flips in training (probability 0.5)
 */
public record PipelineSpec(int size, double jitterMin, double jitterMax, boolean flip) implements java.io.Serializable {
    /** ImageNet channel means and standard deviations in 0..255 (RGB), as the reference normalises. */
    static final float[] MEAN = {0.485f * 255, 0.456f * 255, 0.406f * 255};
    static final float[] STD = {0.229f * 255, 0.224f * 255, 0.225f * 255};

    public PipelineSpec {
        if (size < 8 || jitterMin <= 0 || jitterMax < jitterMin) {
            throw new IllegalArgumentException("invalid pipeline: size " + size + ", jitter " + jitterMin + ".." + jitterMax);
        }
    }

    public static PipelineSpec efficientDet(int size) {
        return new PipelineSpec(size, 0.1, 2.0, true);
    }
}

package org.detsearch.detection;

/**
 * Post-processing settings, EfficientDet's evaluation defaults in {@link #EFFICIENTDET}: the top 5,000 (anchor,
 * class) scores enter per-class Gaussian soft-NMS (sigma 0.5), scores below 0.001 are dropped, 100 detections
 * per image are kept.
 */
public record NmsSpec(NmsMethod method, double iouThreshold, double sigma, double scoreThreshold,
                      int preNmsTopK, int maxDetections) implements java.io.Serializable {
    public static final NmsSpec EFFICIENTDET = new NmsSpec(NmsMethod.GAUSSIAN, 0.5, 0.5, 0.001, 5000, 100);
    public static final NmsSpec HARD = new NmsSpec(NmsMethod.HARD, 0.5, 0.5, 0.001, 5000, 100);

    public NmsSpec {
        if (iouThreshold <= 0 || iouThreshold > 1 || sigma <= 0 || preNmsTopK < 1 || maxDetections < 1) {
            throw new IllegalArgumentException("invalid NMS settings: " + method + ", IoU " + iouThreshold
                    + ", sigma " + sigma + ", top-k " + preNmsTopK + ", max " + maxDetections);
        }
    }
}

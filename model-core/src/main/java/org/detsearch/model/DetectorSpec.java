package org.detsearch.model;

import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorSpec;

/**
 * A RetinaNet-style detector: ResNet backbone, FPN P3-P7 with {@code fpnChannels}, class and box subnets of
 * {@code headDepth} shared 3x3 convolutions, anchors per {@link AnchorSpec}, square input of {@code imageSize}.
 */
public record DetectorSpec(ResNetSpec backbone, int fpnChannels, int headDepth, AnchorSpec anchors, int numClasses,
                           int imageSize) implements java.io.Serializable {
    public DetectorSpec {
        if (anchors.minLevel() != 3 || anchors.maxLevel() != 7) {
            throw new IllegalArgumentException("the FPN gives P3-P7; anchors must use the same levels");
        }
        if (imageSize % 128 != 0) {
            throw new IllegalArgumentException("input size must be a multiple of 128 (P7 has stride 128), got " + imageSize);
        }
        if (numClasses < 1 || fpnChannels < 1 || headDepth < 0) {
            throw new IllegalArgumentException("need classes >= 1, FPN channels >= 1, head depth >= 0");
        }
    }

    /** RetinaNet-R50 as published: 256 FPN channels, 4 head convolutions, 9 anchors. */
    public static DetectorSpec retinaNetR50(int numClasses, int imageSize) {
        return new DetectorSpec(ResNetSpec.resnet50(0), 256, 4, AnchorSpec.EFFICIENTDET, numClasses, imageSize);
    }
}

package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.AnchorSpec;

/**
 * A RetinaNet-style detector: ResNet backbone, FPN P3-P7 with {@code fpnChannels}, class and box subnets of
 * {@code headDepth} shared 3x3 convolutions (group-normalised in {@code headGroupNorm} groups; 0 = not normalised,
 * as the original), anchors per {@link AnchorSpec}, square input of {@code imageSize}.
 */
public record RetinaNetSpec(ResNetSpec backbone, int fpnChannels, int headDepth, int headGroupNorm, AnchorSpec anchors,
                            int numClasses, int imageSize) implements DetectorSpec {
    public RetinaNetSpec {
        if (anchors.minLevel() != 3 || anchors.maxLevel() != 7) {
            throw new IllegalArgumentException("the FPN gives P3-P7; anchors must use the same levels");
        }
        if (imageSize % 128 != 0) {
            throw new IllegalArgumentException("input size must be a multiple of 128 (P7 has stride 128), got " + imageSize);
        }
        if (numClasses < 1 || fpnChannels < 1 || headDepth < 0) {
            throw new IllegalArgumentException("need classes >= 1, FPN channels >= 1, head depth >= 0");
        }
        if (headGroupNorm < 0 || (headGroupNorm > 0 && fpnChannels % headGroupNorm != 0)) {
            throw new IllegalArgumentException("head group-norm groups must divide the " + fpnChannels
                    + " FPN channels (0 = none), got " + headGroupNorm);
        }
    }

    @Override
    public ComputationGraphConfiguration graph(TrainingSettings training) {
        return RetinaNetBuilder.build(this, featureExtractor(), training);
    }

    @Override
    public Backbone featureExtractor() {
        return new ResNetBuilder(backbone);
    }

    /**
     * The {@code model} config section for {@code architecture = retinanet}: {@code backbone} (resnet50, resnet101,
     * resnext50, resnext101 (32x4d), or tiny: a ResNet of one block per stage), {@code width} (multiplier of the ResNet widths), {@code fpn-channels},
     * {@code head-depth}, {@code head-group-norm}, {@code image-size} and {@code anchor-scale}.
     */
    public static RetinaNetSpec fromConfig(ConfigView c, int numClasses) {
        String name = c.string("backbone");
        double width = c.doubleIn("width", 1.0 / 64, 4);
        ResNetSpec backbone;
        if (name.equals("tiny")) {
            backbone = new ResNetSpec(name, new int[] {1, 1, 1, 1}, width, 0);
        } else {
            ResNetSpec published;
            try {
                published = ResNetSpec.named(name, 0);
            } catch (IllegalArgumentException e) {
                throw new org.detsearch.config.ConfigValidationException(c.fullPath("backbone"), name,
                        "allowed: one of resnet50, resnet101, resnext50, resnext101, tiny");
            }
            backbone = new ResNetSpec(name, published.blocks(), width, 0, published.cardinality(), published.baseWidth());
        }
        AnchorSpec anchors = new AnchorSpec(3, 7, 3, new double[] {1.0, 2.0, 0.5}, c.doubleIn("anchor-scale", 0.5, 16));
        int fpn = c.intIn("fpn-channels", 1, 4096);
        int head = c.intIn("head-depth", 0, 16);
        int groups = c.intIn("head-group-norm", 0, 4096);
        int size = c.intIn("image-size", 128, 4096);
        return ConfigView.validated(c.section(), () -> new RetinaNetSpec(backbone, fpn, head, groups, anchors, numClasses, size));
    }

    /** RetinaNet-R50 as published: 256 FPN channels, 4 head convolutions, 9 anchors. */
    public static RetinaNetSpec retinaNetR50(int numClasses, int imageSize) {
        return new RetinaNetSpec(ResNetSpec.resnet50(0), 256, 4, 0, AnchorSpec.EFFICIENTDET, numClasses, imageSize);
    }
}

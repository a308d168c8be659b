package org.detsearch.backbone;

/**
 * A bottleneck ResNet v1 or ResNeXt: blocks per stage (conv2_x .. conv5_x), a width multiplier for tiny test models
 * (1.0 = the published widths), the cardinality and base width of the middle 3x3 convolution (ResNet: 1 and 64;
 * ResNeXt 32x4d: 32 and 4, as torchvision defines them: the 3x3 has {@code planes * baseWidth / 64 * cardinality}
 * channels in {@code cardinality} groups, the block output is {@code 4 * planes}), and an optional ImageNet-style
 * classifier.
 *
 * @param numClasses 0 for a backbone without classifier
 * @param cardinality groups of the middle 3x3 convolution (0 reads as 1: specs saved before ResNeXt existed)
 * @param baseWidth   channels per group of that convolution at stage 2 and width 1.0 (0 reads as 64)
 */
public record ResNetSpec(String name, int[] blocks, double widthMultiplier, int numClasses, int cardinality, int baseWidth)
        implements java.io.Serializable {
    public ResNetSpec {
        cardinality = cardinality == 0 ? 1 : cardinality;
        baseWidth = baseWidth == 0 ? 64 : baseWidth;
        if (blocks.length != 4 || widthMultiplier <= 0 || numClasses < 0 || cardinality < 1 || baseWidth < 1) {
            throw new IllegalArgumentException("a ResNet has 4 stages, a positive width, >= 0 classes, cardinality and base width >= 1");
        }
        blocks = blocks.clone();
    }

    /** A plain ResNet (cardinality 1, base width 64). */
    public ResNetSpec(String name, int[] blocks, double widthMultiplier, int numClasses) {
        this(name, blocks, widthMultiplier, numClasses, 1, 64);
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    /** Value equality, arrays included (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ResNetSpec r && name.equals(r.name) && java.util.Arrays.equals(blocks, r.blocks)
                && Double.compare(widthMultiplier, r.widthMultiplier) == 0 && numClasses == r.numClasses
                && cardinality == r.cardinality && baseWidth == r.baseWidth;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, java.util.Arrays.hashCode(blocks), widthMultiplier, numClasses, cardinality, baseWidth);
    }

    @Override
    public String toString() {
        return name + java.util.Arrays.toString(blocks) + (cardinality > 1 ? " " + cardinality + "x" + baseWidth + "d" : "")
                + " x" + widthMultiplier + (numClasses > 0 ? ", " + numClasses + " classes" : "");
    }

    public static ResNetSpec resnet50(int numClasses) {
        return new ResNetSpec("resnet50", new int[] {3, 4, 6, 3}, 1.0, numClasses);
    }

    public static ResNetSpec resnet101(int numClasses) {
        return new ResNetSpec("resnet101", new int[] {3, 4, 23, 3}, 1.0, numClasses);
    }

    /** ResNeXt-50 32x4d. */
    public static ResNetSpec resnext50(int numClasses) {
        return new ResNetSpec("resnext50", new int[] {3, 4, 6, 3}, 1.0, numClasses, 32, 4);
    }

    /** ResNeXt-101 32x4d. */
    public static ResNetSpec resnext101(int numClasses) {
        return new ResNetSpec("resnext101", new int[] {3, 4, 23, 3}, 1.0, numClasses, 32, 4);
    }

    /** The published networks by name: resnet50, resnet101, resnext50, resnext101 (the last two 32x4d). */
    public static ResNetSpec named(String name, int numClasses) {
        return switch (name) {
            case "resnet50" -> resnet50(numClasses);
            case "resnet101" -> resnet101(numClasses);
            case "resnext50" -> resnext50(numClasses);
            case "resnext101" -> resnext101(numClasses);
            default -> throw new IllegalArgumentException("unknown backbone '" + name
                    + "'; allowed: resnet50, resnet101, resnext50, resnext101");
        };
    }

    /** torchvision's {@code planes} of stage {@code stage} (2..5): 64, 128, 256, 512 at width 1.0. */
    private int planes(int stage) {
        return Math.max(1, (int) Math.round(64 * widthMultiplier * (1 << (stage - 2))));
    }

    /** Channels of the bottleneck's 1x1 reduction and 3x3 convolution in stage {@code stage} (2..5). */
    public int width(int stage) {
        return Math.max(1, (int) Math.round(planes(stage) * baseWidth / 64.0)) * cardinality;
    }

    /** Channels of a block's output in stage {@code stage}: 4 x planes. */
    public int outputChannels(int stage) {
        return 4 * planes(stage);
    }

    public int stemWidth() {
        return Math.max(1, (int) Math.round(64 * widthMultiplier));
    }
}

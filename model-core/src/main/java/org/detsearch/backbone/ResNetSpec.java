package org.detsearch.backbone;

/**
 * A bottleneck ResNet v1: blocks per stage (conv2_x .. conv5_x), a width multiplier for tiny test models
 * (1.0 = the published widths 64/128/256/512 x 4), and an optional ImageNet-style classifier.
 *
 * @param numClasses 0 for a backbone without classifier
 */
public record ResNetSpec(String name, int[] blocks, double widthMultiplier, int numClasses) implements java.io.Serializable {
    public ResNetSpec {
        if (blocks.length != 4 || widthMultiplier <= 0 || numClasses < 0) {
            throw new IllegalArgumentException("a ResNet has 4 stages, a positive width and >= 0 classes");
        }
        blocks = blocks.clone();
    }

    /** Value equality, arrays included (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ResNetSpec r && name.equals(r.name) && java.util.Arrays.equals(blocks, r.blocks)
                && Double.compare(widthMultiplier, r.widthMultiplier) == 0 && numClasses == r.numClasses;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, java.util.Arrays.hashCode(blocks), widthMultiplier, numClasses);
    }

    @Override
    public String toString() {
        return name + java.util.Arrays.toString(blocks) + " x" + widthMultiplier + (numClasses > 0 ? ", " + numClasses + " classes" : "");
    }

    public static ResNetSpec resnet50(int numClasses) {
        return new ResNetSpec("resnet50", new int[] {3, 4, 6, 3}, 1.0, numClasses);
    }

    public static ResNetSpec resnet101(int numClasses) {
        return new ResNetSpec("resnet101", new int[] {3, 4, 23, 3}, 1.0, numClasses);
    }

    /** Bottleneck width of stage {@code stage} (2..5); the block output is 4 times it. */
    public int width(int stage) {
        return Math.max(1, (int) Math.round(64 * widthMultiplier * (1 << (stage - 2))));
    }

    public int stemWidth() {
        return Math.max(1, (int) Math.round(64 * widthMultiplier));
    }
}

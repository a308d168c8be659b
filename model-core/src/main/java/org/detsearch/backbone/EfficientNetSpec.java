package org.detsearch.backbone;

import java.util.List;

/**
 * An EfficientNet: the B0 block table scaled by a width and a depth coefficient with the reference's rounding
 * ({@code efficientnet_builder}), the resolution it was trained at, dropout before the classifier and the
 * drop-connect rate of its residual blocks. Any coefficients are allowed (tiny test models use width 0.25).
 *
 * @param dropConnectRate drop probability of the LAST block's residual branch; block i of n drops with
 *                        {@code rate * i / n} (the reference's linear survival schedule, survival 0.8 = rate 0.2);
 *                        0 disables drop-connect (EfficientDet-D0's backbone)
 * @param numClasses      0 for the feature extractor only (no top conv, pooling or classifier)
 */
public record EfficientNetSpec(String name, double widthCoefficient, double depthCoefficient, int resolution,
                               double dropoutRate, double dropConnectRate, List<MBConvStage> stages, int numClasses)
        implements java.io.Serializable {
    private static final int DEPTH_DIVISOR = 8;
    private static final int STEM_FILTERS = 32;
    private static final int HEAD_FILTERS = 1280;

    public EfficientNetSpec {
        if (!(widthCoefficient > 0) || !(depthCoefficient > 0) || resolution < 1 || dropoutRate < 0 || dropoutRate >= 1
                || dropConnectRate < 0 || dropConnectRate >= 1 || stages.isEmpty() || numClasses < 0) {
            throw new IllegalArgumentException("bad EfficientNet " + name + ": width " + widthCoefficient + ", depth "
                    + depthCoefficient + ", resolution " + resolution + ", dropout " + dropoutRate + ", drop-connect "
                    + dropConnectRate + ", " + stages.size() + " stages, " + numClasses + " classes (need positive "
                    + "coefficients and resolution, rates in [0, 1), at least one stage, classes >= 0)");
        }
        stages = List.copyOf(stages);
    }

    /**
     * {@code efficientnet-b0} .. {@code efficientnet-b7} with the reference's coefficients
     * ({@code efficientnet_builder.efficientnet_params}), 1000 classes and drop-connect rate 0.2.
     */
    public static EfficientNetSpec named(String name) {
        double[] p = switch (name) {
            case "efficientnet-b0" -> new double[] {1.0, 1.0, 224, 0.2};
            case "efficientnet-b1" -> new double[] {1.0, 1.1, 240, 0.2};
            case "efficientnet-b2" -> new double[] {1.1, 1.2, 260, 0.3};
            case "efficientnet-b3" -> new double[] {1.2, 1.4, 300, 0.3};
            case "efficientnet-b4" -> new double[] {1.4, 1.8, 380, 0.4};
            case "efficientnet-b5" -> new double[] {1.6, 2.2, 456, 0.4};
            case "efficientnet-b6" -> new double[] {1.8, 2.6, 528, 0.5};
            case "efficientnet-b7" -> new double[] {2.0, 3.1, 600, 0.5};
            default -> throw new IllegalArgumentException("unknown EfficientNet '" + name
                    + "'; known: efficientnet-b0 .. efficientnet-b7");
        };
        return new EfficientNetSpec(name, p[0], p[1], (int) p[2], p[3], 0.2, MBConvStage.B0, 1000);
    }

    public EfficientNetSpec withNumClasses(int classes) {
        return new EfficientNetSpec(name, widthCoefficient, depthCoefficient, resolution, dropoutRate, dropConnectRate, stages, classes);
    }

    public EfficientNetSpec withDropConnectRate(double rate) {
        return new EfficientNetSpec(name, widthCoefficient, depthCoefficient, resolution, dropoutRate, rate, stages, numClasses);
    }

    /**
     * The reference's {@code round_filters}: scale by the width coefficient, round to the nearest multiple of 8
     * (at least 8), and go up one multiple if rounding lost more than 10%.
     */
    public int roundFilters(int filters) {
        return org.detsearch.scaling.ScaleMultipliers.roundChannels(filters * widthCoefficient, DEPTH_DIVISOR);
    }

    /** The reference's {@code round_repeats}: ceil(depth coefficient x repeats). */
    public int roundRepeats(int repeats) {
        return (int) Math.ceil(depthCoefficient * repeats);
    }

    public int stemFilters() {
        return roundFilters(STEM_FILTERS);
    }

    /** Filters of the 1x1 convolution before the classifier's pooling. */
    public int topFilters() {
        return roundFilters(HEAD_FILTERS);
    }

    /** MBConv blocks in all, after depth scaling. */
    public int blockCount() {
        return stages.stream().mapToInt(s -> roundRepeats(s.repeats())).sum();
    }

    /** Probability that block {@code index} (0-based over all blocks) keeps its residual branch in training. */
    public double survivalProbability(int index) {
        return 1.0 - dropConnectRate * index / blockCount();
    }
}

package org.detsearch.backbone;

/**
 * One row of EfficientNet's block table: {@code repeats} MBConv blocks of the same kind. Filters are the B0 values
 * before width scaling; the stride applies to the stage's first block only (the others take the stage's output as
 * input at stride 1). The reference's block string {@code r1_k3_s11_e1_i32_o16_se0.25} is
 * {@code new MBConvStage(1, 3, 1, 1, 32, 16, 0.25)}.
 *
 * @param seRatio squeeze-excitation width as a fraction of the block's INPUT filters (0 for no SE)
 */
public record MBConvStage(int repeats, int kernel, int stride, int expandRatio, int inputFilters, int outputFilters,
                          double seRatio) implements java.io.Serializable {
    public MBConvStage {
        if (repeats < 1 || kernel < 1 || kernel % 2 == 0 || stride < 1 || stride > 2 || expandRatio < 1
                || inputFilters < 1 || outputFilters < 1 || seRatio < 0 || seRatio > 1) {
            throw new IllegalArgumentException("bad MBConv stage: repeats " + repeats + ", kernel " + kernel + ", stride "
                    + stride + ", expand " + expandRatio + ", filters " + inputFilters + " -> " + outputFilters
                    + ", SE ratio " + seRatio + " (need repeats >= 1, an odd kernel, stride 1 or 2, expand >= 1, "
                    + "filters >= 1, SE ratio in [0, 1])");
        }
    }

    /** EfficientNet-B0's seven stages ({@code efficientnet_builder._DEFAULT_BLOCKS_ARGS}). */
    public static final java.util.List<MBConvStage> B0 = java.util.List.of(
            new MBConvStage(1, 3, 1, 1, 32, 16, 0.25),
            new MBConvStage(2, 3, 2, 6, 16, 24, 0.25),
            new MBConvStage(2, 5, 2, 6, 24, 40, 0.25),
            new MBConvStage(3, 3, 2, 6, 40, 80, 0.25),
            new MBConvStage(3, 5, 1, 6, 80, 112, 0.25),
            new MBConvStage(4, 5, 2, 6, 112, 192, 0.25),
            new MBConvStage(1, 3, 1, 6, 192, 320, 0.25));
}

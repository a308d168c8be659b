package org.detsearch.scaling;

/**
 * The dimensions compound scaling gives coefficient {@code phi}: backbone EfficientNet-B{@code backbone}, BiFPN
 * width and depth (cells), class/box net depth, and input resolution.
 * <ul>
 * <li>{@link CompoundRule#TABLE}: {@code efficientdet_model_param_dict}, phi 0..7 (D0..D7; D7x is not a phi).</li>
 * <li>{@link CompoundRule#FORMULAS}: W = 64 * 1.35^phi, D = 3 + phi, head = 3 + floor(phi / 3), R = 512 + 128 * phi,
 * backbone B_phi. Where the paper is silent (chosen here): W is rounded to the nearest multiple of 8 as
 * EfficientNet's {@code round_filters} rounds (never below 90% of the exact value), which gives the table's 64, 88,
 * 160, 288 and 384 for phi 0, 1, 3, 5, 6 and 120, 216, 520 where the table has 112, 224, 384; the backbone stays
 * B7 beyond phi 7 (there is no B8); phi goes up to {@value #MAX_FORMULA_PHI}.</li>
 * </ul>
 */
public record CompoundScale(int phi, CompoundRule rule, int backbone, int fpnWidth, int fpnDepth, int headDepth,
                            int imageSize) {
    public static final int MAX_TABLE_PHI = 7;
    public static final int MAX_FORMULA_PHI = 12;
    private static final int WIDTH_DIVISOR = 8;
    // D0..D7: backbone B, BiFPN width, BiFPN depth, head depth, input size
    private static final int[][] TABLE = {
            {0, 64, 3, 3, 512}, {1, 88, 4, 3, 640}, {2, 112, 5, 3, 768}, {3, 160, 6, 4, 896},
            {4, 224, 7, 4, 1024}, {5, 288, 7, 4, 1280}, {6, 384, 8, 5, 1280}, {6, 384, 8, 5, 1536}};

    public static CompoundScale of(int phi, CompoundRule rule) {
        int max = rule == CompoundRule.TABLE ? MAX_TABLE_PHI : MAX_FORMULA_PHI;
        if (phi < 0 || phi > max) {
            throw new IllegalArgumentException("compound coefficient phi must be in [0, " + max + "] for the "
                    + rule.name().toLowerCase() + " rule, got " + phi);
        }
        if (rule == CompoundRule.TABLE) {
            int[] row = TABLE[phi];
            return new CompoundScale(phi, rule, row[0], row[1], row[2], row[3], row[4]);
        }
        return new CompoundScale(phi, rule, Math.min(phi, 7), roundWidth(64 * Math.pow(1.35, phi)), 3 + phi, 3 + phi / 3,
                512 + 128 * phi);
    }

    static int roundWidth(double width) {
        return ScaleMultipliers.roundChannels(width, WIDTH_DIVISOR);
    }

    /** The official name of the table's model for this phi ("efficientdet-d3"). */
    public String modelName() {
        return "efficientdet-d" + phi;
    }
}

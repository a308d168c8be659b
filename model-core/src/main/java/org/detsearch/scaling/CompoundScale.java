package org.detsearch.scaling;

import org.detsearch.model.EfficientDetSpec;
import org.detsearch.neck.FusionMethod;

/**
 * The dimensions compound scaling gives coefficient {@code phi}: backbone EfficientNet-B{@code backbone} (with the
 * drop-connect rate of its last block), BiFPN width and depth (cells), class/box net depth, input resolution,
 * BiFPN fusion and anchor scale.
 * <ul>
 * <li>{@link CompoundRule#TABLE}: the official rows ({@link EfficientDetSpec#named}, the reference's
 * {@code efficientdet_model_param_dict}), phi 0..7 = D0..D7 (D7x is not a phi): hand-rounded widths, D5's 1280
 * input, 8 cells for D6/D7, B6 under D7, plain-sum fusion for D6/D7, anchor scale 5 for D7, D0's backbone without
 * drop-connect.</li>
 * <li>{@link CompoundRule#FORMULAS}: W = 64 * 1.35^phi, D = 3 + phi, head = 3 + floor(phi / 3), R = 512 + 128 * phi,
 * backbone B_phi. Where the paper is silent (chosen here): W is rounded to the nearest multiple of 8 as
 * EfficientNet's {@code round_filters} rounds (never below 90% of the exact value), which gives the table's 64, 88,
 * 160, 288 and 384 for phi 0, 1, 3, 5, 6 and 120, 216, 520 where the table has 112, 224, 384; fast normalised
 * fusion and anchor scale 4 throughout (the paper describes no switch); the backbone's drop-connect as the table's
 * (0 for B0, else 0.2); B7 beyond phi 7 (there is no B8); phi up to {@value #MAX_FORMULA_PHI}.</li>
 * </ul>
 */
public record CompoundScale(int phi, CompoundRule rule, int backbone, double backboneDropConnect, int fpnWidth,
                            int fpnDepth, int headDepth, int imageSize, FusionMethod fusion, double anchorScale) {
    public static final int MAX_TABLE_PHI = 7;
    public static final int MAX_FORMULA_PHI = 12;
    private static final int WIDTH_DIVISOR = 8;
    private static final double BACKBONE_DROP_CONNECT = 0.2;

    public static CompoundScale of(int phi, CompoundRule rule) {
        int max = rule == CompoundRule.TABLE ? MAX_TABLE_PHI : MAX_FORMULA_PHI;
        if (phi < 0 || phi > max) {
            throw new IllegalArgumentException("compound coefficient phi must be in [0, " + max + "] for the "
                    + rule.name().toLowerCase() + " rule, got " + phi);
        }
        if (rule == CompoundRule.TABLE) {
            EfficientDetSpec d = EfficientDetSpec.named("efficientdet-d" + phi);
            String backbone = d.backbone().name();
            return new CompoundScale(phi, rule, Integer.parseInt(backbone.substring(backbone.lastIndexOf('b') + 1)),
                    d.backbone().dropConnectRate(), d.fpnWidth(), d.fpnDepth(), d.headDepth(), d.imageSize(), d.fusion(),
                    d.anchors().anchorScale());
        }
        return new CompoundScale(phi, rule, Math.min(phi, 7), phi == 0 ? 0 : BACKBONE_DROP_CONNECT,
                roundWidth(64 * Math.pow(1.35, phi)), 3 + phi, 3 + phi / 3, 512 + 128 * phi, FusionMethod.FAST_ATTENTION, 4);
    }

    static int roundWidth(double width) {
        return ScaleMultipliers.roundChannels(width, WIDTH_DIVISOR);
    }

    /** The official name of the table's model for this phi ("efficientdet-d3"). */
    public String modelName() {
        return "efficientdet-d" + phi;
    }
}

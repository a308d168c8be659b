package org.detsearch.scaling;

import org.detsearch.backbone.EfficientNetSpec;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.EfficientDetSpec;
import org.detsearch.neck.FusionMethod;

import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * EfficientDets ({@link EfficientDetSpec}) as a sweep family. Axes: the explicit keys of {@code train.model.efficientdet},
 * read by the same code: {@code backbone} (efficientnet-b0 .. b7, or scaled: the B0 table at {@code width-coefficient}
 * and {@code depth-coefficient}), {@code drop-connect}, {@code fpn-width}, {@code fpn-depth} (BiFPN cells),
 * {@code head-depth}, {@code fusion}, {@code anchor-scale}, {@code max-level}, {@code image-size}.
 * <p>
 * Compound scaling ({@link CompoundScale}) sets backbone, drop-connect, BiFPN width and depth, head depth, input size,
 * fusion and anchor scale; by the table rule phi = n gives exactly the official D n. Coefficient scaling (EfficientNet's
 * step 1 applied to the whole detector, chosen here): depth multiplies the backbone's depth coefficient, the BiFPN
 * cells and the head depth (rounded up, as round_repeats), width the backbone's width coefficient and the BiFPN width
 * (round_filters to a multiple of 8), resolution the input size (nearest multiple of 2^max-level); a named backbone
 * becomes {@code scaled} with its own coefficients times the multipliers (the same B0 block table).
 */
public final class EfficientDetFamily implements ModelFamily {
    public static final String NAME = "efficientdet";
    private static final int WIDTH_DIVISOR = 8;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DetectorSpec spec(Map<String, Object> architecture, int numClasses, int imageSize) {
        return EfficientDetSpec.fromConfig(ModelFamily.asSection(architecture, Map.of("variant", "explicit", "image-size", imageSize)),
                numClasses);
    }

    @Override
    public int imageSize(Map<String, Object> architecture) {
        return ModelFamily.integer(architecture, "image-size");
    }

    @Override
    public int roundImageSize(Map<String, Object> architecture, double size) {
        long stride = 1L << ModelFamily.integer(architecture, "max-level");
        return (int) Math.max(stride, Math.round(size / stride) * stride);
    }

    @Override
    public SortedMap<String, Object> compound(Map<String, Object> base, CompoundScale s) {
        SortedMap<String, Object> out = new TreeMap<>(base);
        out.put("backbone", "efficientnet-b" + s.backbone());
        out.put("drop-connect", s.backboneDropConnect());
        out.put("fpn-width", s.fpnWidth());
        out.put("fpn-depth", s.fpnDepth());
        out.put("head-depth", s.headDepth());
        out.put("image-size", s.imageSize());
        out.put("fusion", fusionName(s.fusion()));
        out.put("anchor-scale", s.anchorScale());
        out.put("max-level", 7);
        // only a scaled backbone reads them; fixed so that a named one's trial does not depend on the base's values
        out.put("width-coefficient", 1.0);
        out.put("depth-coefficient", 1.0);
        return out;
    }

    @Override
    public SortedMap<String, Object> scaled(Map<String, Object> base, ScaleMultipliers m) {
        SortedMap<String, Object> out = new TreeMap<>(base);
        String backbone = String.valueOf(base.get("backbone"));
        double width = ModelFamily.number(base, "width-coefficient");
        double depth = ModelFamily.number(base, "depth-coefficient");
        if (!backbone.equals("scaled")) {
            EfficientNetSpec named = EfficientNetSpec.named(backbone);
            width = named.widthCoefficient();
            depth = named.depthCoefficient();
        }
        out.put("backbone", "scaled");
        out.put("width-coefficient", Math.round(width * m.width() * 1e9) / 1e9);
        out.put("depth-coefficient", Math.round(depth * m.depth() * 1e9) / 1e9);
        out.put("fpn-width", ScaleMultipliers.roundChannels(ModelFamily.integer(base, "fpn-width") * m.width(), WIDTH_DIVISOR));
        out.put("fpn-depth", (int) Math.ceil(ModelFamily.integer(base, "fpn-depth") * m.depth() - 1e-9));
        out.put("head-depth", (int) Math.ceil(ModelFamily.integer(base, "head-depth") * m.depth() - 1e-9));
        out.put("image-size", roundImageSize(base, imageSize(base) * m.resolution()));
        return out;
    }

    @Override
    public String describe(Map<String, Object> a) {
        String backbone = String.valueOf(a.get("backbone"));
        if (backbone.equals("scaled")) {
            backbone = "B0 x(w " + strip(ModelFamily.number(a, "width-coefficient")) + ", d "
                    + strip(ModelFamily.number(a, "depth-coefficient")) + ")";
        } else {
            backbone = backbone.replace("efficientnet-", "").toUpperCase(Locale.ROOT);
        }
        return String.format(Locale.ROOT, "%s, BiFPN %dx%d%s, head %d, %d px", backbone, ModelFamily.integer(a, "fpn-width"),
                ModelFamily.integer(a, "fpn-depth"), String.valueOf(a.get("fusion")).equals("sum") ? " sum" : "",
                ModelFamily.integer(a, "head-depth"), imageSize(a));
    }

    private static String strip(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** The fusion axis as the config spells it (fast-attention, sum). */
    static String fusionName(FusionMethod fusion) {
        return fusion.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

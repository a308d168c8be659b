package org.detsearch.scaling;

import org.detsearch.model.DetectorSpec;
import org.detsearch.model.RetinaNetSpec;

import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * RetinaNet-style detectors ({@link RetinaNetSpec}) as a sweep family. Axes: {@code backbone} (resnet50, resnet101,
 * tiny), {@code width} (ResNet width multiplier), {@code fpn-channels}, {@code head-depth}, {@code head-group-norm},
 * {@code image-size}, {@code anchor-scale}: the keys of {@code train.model}, read by the same code.
 * <p>
 * Coefficient scaling (chosen here; RetinaNet has no published rule): depth multiplies the head depth (rounded up,
 * as EfficientNet rounds block repeats; the ResNet's blocks per stage stay, since they define the named backbone),
 * width multiplies the backbone width and the FPN channels (channels rounded as EfficientNet's round_filters, to a
 * multiple of 8 and of the head's group-norm groups), resolution multiplies the input size (rounded to the nearest
 * multiple of 128, P7's stride).
 */
public final class RetinaNetFamily implements ModelFamily {
    public static final String NAME = "retinanet";
    private static final int STRIDE = 128;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DetectorSpec spec(Map<String, Object> architecture, int numClasses, int imageSize) {
        return RetinaNetSpec.fromConfig(ModelFamily.asSection(architecture, Map.of("image-size", imageSize)), numClasses);
    }

    @Override
    public int imageSize(Map<String, Object> architecture) {
        return ModelFamily.integer(architecture, "image-size");
    }

    @Override
    public int roundImageSize(Map<String, Object> architecture, double size) {
        return (int) Math.max(STRIDE, Math.round(size / STRIDE) * STRIDE);
    }

    @Override
    public SortedMap<String, Object> scaled(Map<String, Object> base, ScaleMultipliers m) {
        SortedMap<String, Object> out = new TreeMap<>(base);
        int groups = ModelFamily.integer(base, "head-group-norm");
        int divisor = groups > 0 ? lcm(8, groups) : 8;
        out.put("width", Math.round(ModelFamily.number(base, "width") * m.width() * 1e9) / 1e9);
        out.put("fpn-channels", ScaleMultipliers.roundChannels(ModelFamily.integer(base, "fpn-channels") * m.width(), divisor));
        out.put("head-depth", (int) Math.ceil(ModelFamily.integer(base, "head-depth") * m.depth() - 1e-9));
        out.put("image-size", roundImageSize(base, imageSize(base) * m.resolution()));
        return out;
    }

    @Override
    public String describe(Map<String, Object> a) {
        return String.format(Locale.ROOT, "%s x%s, FPN %d, head %d%s, %d px", a.get("backbone"),
                stripZeros(ModelFamily.number(a, "width")), ModelFamily.integer(a, "fpn-channels"), ModelFamily.integer(a, "head-depth"),
                ModelFamily.integer(a, "head-group-norm") > 0 ? " GN" + ModelFamily.integer(a, "head-group-norm") : "", imageSize(a));
    }

    private static int lcm(int a, int b) {
        int x = a, y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    private static String stripZeros(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}

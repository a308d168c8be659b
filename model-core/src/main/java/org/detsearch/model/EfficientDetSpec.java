package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.detsearch.backbone.EfficientNetSpec;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.neck.FusionMethod;

/**
 * An EfficientDet: EfficientNet backbone (features only), BiFPN of {@code fpnWidth} channels and {@code fpnDepth}
 * cells fusing by {@code fusion}, class/box nets of {@code headDepth} shared separable convolutions, anchors per
 * {@link AnchorSpec} (its levels are the pyramid's), square input of {@code imageSize}. {@link #named} gives the
 * official D0..D7 and D7x ({@code hparams_config.efficientdet_model_param_dict}); the canonical constructor any
 * variant beyond them (the sweeps' backbone, width, depth, head depth and resolution).
 */
public record EfficientDetSpec(String name, EfficientNetSpec backbone, int fpnWidth, int fpnDepth, int headDepth,
                               FusionMethod fusion, AnchorSpec anchors, int numClasses, int imageSize)
        implements DetectorSpec {
    /** COCO's 90 category ids, the reference's default. */
    public static final int COCO_CLASSES = 90;

    public EfficientDetSpec {
        backbone = backbone.withNumClasses(0);
        if (fpnWidth < 1 || fpnDepth < 1 || headDepth < 0 || numClasses < 1) {
            throw new IllegalArgumentException(name + ": need BiFPN width >= 1, BiFPN depth >= 1, head depth >= 0 and "
                    + "classes >= 1, got " + fpnWidth + ", " + fpnDepth + ", " + headDepth + ", " + numClasses);
        }
        if (anchors.minLevel() != 3 || anchors.maxLevel() < 5) {
            throw new IllegalArgumentException(name + ": the pyramid starts at P3 and reaches at least P5 (the backbone "
                    + "gives P3-P5), got anchors on P" + anchors.minLevel() + "-P" + anchors.maxLevel());
        }
        long stride = 1L << anchors.maxLevel();
        if (imageSize < stride || imageSize % stride != 0) {
            throw new IllegalArgumentException(name + ": input size must be a multiple of " + stride + " (P"
                    + anchors.maxLevel() + " has stride " + stride + " and every level must halve exactly), got " + imageSize);
        }
    }

    /** D0..D7, D7x with the reference's input size, {@code numClasses} classes. */
    public static EfficientDetSpec named(String name, int numClasses) {
        record Row(int size, String backbone, int width, int depth, int head, FusionMethod fusion, double anchorScale, int maxLevel) {
        }
        FusionMethod fast = FusionMethod.FAST_ATTENTION;
        FusionMethod sum = FusionMethod.SUM;
        Row row = switch (name) {
            case "efficientdet-d0" -> new Row(512, "efficientnet-b0", 64, 3, 3, fast, 4, 7);
            case "efficientdet-d1" -> new Row(640, "efficientnet-b1", 88, 4, 3, fast, 4, 7);
            case "efficientdet-d2" -> new Row(768, "efficientnet-b2", 112, 5, 3, fast, 4, 7);
            case "efficientdet-d3" -> new Row(896, "efficientnet-b3", 160, 6, 4, fast, 4, 7);
            case "efficientdet-d4" -> new Row(1024, "efficientnet-b4", 224, 7, 4, fast, 4, 7);
            case "efficientdet-d5" -> new Row(1280, "efficientnet-b5", 288, 7, 4, fast, 4, 7);
            case "efficientdet-d6" -> new Row(1280, "efficientnet-b6", 384, 8, 5, sum, 4, 7);
            case "efficientdet-d7" -> new Row(1536, "efficientnet-b6", 384, 8, 5, sum, 5, 7);
            case "efficientdet-d7x" -> new Row(1536, "efficientnet-b7", 384, 8, 5, sum, 4, 8);
            default -> throw new IllegalArgumentException("unknown EfficientDet '" + name
                    + "'; known: efficientdet-d0 .. efficientdet-d7, efficientdet-d7x");
        };
        EfficientNetSpec backbone = EfficientNetSpec.named(row.backbone());
        if (row.backbone().equals("efficientnet-b0")) {
            backbone = backbone.withDropConnectRate(0); // the reference builds D0's backbone with survival_prob 0.0 (off)
        }
        AnchorSpec anchors = new AnchorSpec(3, row.maxLevel(), 3, new double[] {1.0, 2.0, 0.5}, row.anchorScale());
        return new EfficientDetSpec(name, backbone, row.width(), row.depth(), row.head(), row.fusion(), anchors, numClasses, row.size());
    }

    /**
     * The {@code efficientdet} config section: {@code variant} (a row of the official table, efficientdet-d0 ..
     * efficientdet-d7x, with {@code image-size} 0 for its own input size) or, with {@code variant = explicit}, an explicit
     * variant: {@code backbone} (efficientnet-b0 .. b7, or {@code scaled} by {@code width-coefficient} and
     * {@code depth-coefficient}: tiny models), {@code drop-connect}, {@code fpn-width}, {@code fpn-depth},
     * {@code head-depth}, {@code fusion} (fast-attention, sum), {@code anchor-scale}, {@code max-level} and
     * {@code image-size}. The classes come from the dataset.
     */
    public static EfficientDetSpec fromConfig(org.detsearch.config.ConfigView c, int numClasses) {
        String variant = c.string("variant");
        int size = c.intIn("image-size", 0, 8192);
        if (!variant.equals("explicit")) {
            EfficientDetSpec named;
            try {
                named = named(variant, numClasses);
            } catch (IllegalArgumentException e) {
                throw new org.detsearch.config.ConfigValidationException(c.fullPath("variant"), variant,
                        "allowed: efficientdet-d0 .. efficientdet-d7, efficientdet-d7x, or explicit (the explicit keys)");
            }
            return size == 0 ? named : org.detsearch.config.ConfigView.validated(c.section(), () -> named.withImageSize(size));
        }
        String backboneName = c.string("backbone");
        double dropConnect = c.doubleIn("drop-connect", 0, 0.99);
        EfficientNetSpec backbone = backboneName.equals("scaled")
                ? new EfficientNetSpec("efficientnet-scaled", c.doubleIn("width-coefficient", 0.01, 10),
                        c.doubleIn("depth-coefficient", 0.01, 10), Math.max(size, 1), 0, dropConnect,
                        org.detsearch.backbone.MBConvStage.B0, 0)
                : namedBackbone(c, backboneName).withDropConnectRate(dropConnect);
        int width = c.intIn("fpn-width", 1, 4096);
        int depth = c.intIn("fpn-depth", 1, 64);
        int head = c.intIn("head-depth", 0, 64);
        FusionMethod fusion = c.enumValue("fusion", FusionMethod.class);
        AnchorSpec anchors = new AnchorSpec(3, c.intIn("max-level", 5, 9), 3, new double[] {1.0, 2.0, 0.5},
                c.doubleIn("anchor-scale", 0.5, 16));
        String name = String.format(java.util.Locale.ROOT, "efficientdet(%s, %dx%d, head %d)", backbone.name(), width, depth, head);
        return org.detsearch.config.ConfigView.validated(c.section(), () -> new EfficientDetSpec(name, backbone, width, depth,
                head, fusion, anchors, numClasses, size));
    }

    private static EfficientNetSpec namedBackbone(org.detsearch.config.ConfigView c, String name) {
        try {
            return EfficientNetSpec.named(name);
        } catch (IllegalArgumentException e) {
            throw new org.detsearch.config.ConfigValidationException(c.fullPath("backbone"), name,
                    "allowed: efficientnet-b0 .. efficientnet-b7, or scaled");
        }
    }

    /** D0..D7, D7x for COCO's 90 classes. */
    public static EfficientDetSpec named(String name) {
        return named(name, COCO_CLASSES);
    }

    public EfficientDetSpec withImageSize(int size) {
        return new EfficientDetSpec(name, backbone, fpnWidth, fpnDepth, headDepth, fusion, anchors, numClasses, size);
    }

    public EfficientDetSpec withNumClasses(int classes) {
        return new EfficientDetSpec(name, backbone, fpnWidth, fpnDepth, headDepth, fusion, anchors, classes, imageSize);
    }

    @Override
    public ComputationGraphConfiguration graph(TrainingSettings training) {
        return EfficientDetBuilder.build(this, training);
    }

    @Override
    public org.detsearch.backbone.EfficientNetBuilder featureExtractor() {
        return new org.detsearch.backbone.EfficientNetBuilder(backbone);
    }

    public int minLevel() {
        return anchors.minLevel();
    }

    public int maxLevel() {
        return anchors.maxLevel();
    }
}

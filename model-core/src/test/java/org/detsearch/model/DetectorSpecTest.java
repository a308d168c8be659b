package org.detsearch.model;

import com.typesafe.config.ConfigFactory;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.AnchorSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorSpecTest {
    private static ConfigView model(String hocon) {
        return ConfigView.of(ConfigFactory.parseString("train.model { " + hocon + " }"), "train.model");
    }

    @Test
    void theArchitectureKeyChoosesTheKindAndItsKeysTheRest() {
        DetectorSpec spec = DetectorSpec.fromConfig(model("architecture = retinanet, backbone = resnet50, width = 1.0, "
                + "fpn-channels = 256, head-depth = 4, head-group-norm = 0, image-size = 640, anchor-scale = 4"), 80);
        assertEquals(RetinaNetSpec.retinaNetR50(80, 640), spec);
        assertEquals(AnchorSpec.EFFICIENTDET, spec.anchors());
    }

    private static final String EXPLICIT = "backbone = scaled, width-coefficient = 0.25, depth-coefficient = 0.1, "
            + "drop-connect = 0, fpn-width = 16, fpn-depth = 1, head-depth = 1, fusion = sum, anchor-scale = 4, max-level = 7";

    @Test
    void anEfficientDetByItsOfficialNameOrByExplicitKeys() {
        DetectorSpec d3 = DetectorSpec.fromConfig(model("architecture = efficientdet, efficientdet { variant = efficientdet-d3, "
                + "image-size = 0, " + EXPLICIT + " }"), 90);
        assertEquals(EfficientDetSpec.named("efficientdet-d3"), d3, "the table's row; explicit keys unused");
        assertEquals(896, d3.imageSize());
        DetectorSpec smaller = DetectorSpec.fromConfig(model("architecture = efficientdet, efficientdet { variant = efficientdet-d3, "
                + "image-size = 512, " + EXPLICIT + " }"), 90);
        assertEquals(512, smaller.imageSize());
        EfficientDetSpec tiny = (EfficientDetSpec) DetectorSpec.fromConfig(model("architecture = efficientdet, efficientdet { "
                + "variant = explicit, image-size = 128, " + EXPLICIT + " }"), 6);
        assertEquals(16, tiny.fpnWidth());
        assertEquals(org.detsearch.neck.FusionMethod.SUM, tiny.fusion());
        assertEquals(128, tiny.imageSize());
        ConfigValidationException bad = assertThrows(ConfigValidationException.class, () -> DetectorSpec.fromConfig(model(
                "architecture = efficientdet, efficientdet { variant = efficientdet-d9, image-size = 0, " + EXPLICIT + " }"), 90));
        assertTrue(bad.getMessage().contains("train.model.efficientdet.variant"), bad.getMessage());
        ConfigValidationException size = assertThrows(ConfigValidationException.class, () -> DetectorSpec.fromConfig(model(
                "architecture = efficientdet, efficientdet { variant = explicit, image-size = 100, " + EXPLICIT + " }"), 6));
        assertTrue(size.getMessage().contains("multiple of 128"), size.getMessage());
    }

    @Test
    void anUnknownArchitectureNamesTheKeyAndTheChoices() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> DetectorSpec.fromConfig(model("architecture = yolo"), 3));
        assertTrue(e.getMessage().contains("train.model.architecture") && e.getMessage().contains("yolo")
                && e.getMessage().contains("retinanet, efficientdet"), e.getMessage());
    }

    @Test
    void aBadRetinaNetValueIsReportedWithItsPath() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> DetectorSpec.fromConfig(model("architecture = retinanet, backbone = resnet50, width = 1.0, "
                        + "fpn-channels = 64, head-depth = 2, head-group-norm = 0, image-size = 200, anchor-scale = 4"), 3));
        assertTrue(e.getMessage().contains("train.model") && e.getMessage().contains("multiple of 128"), e.getMessage());
    }
}

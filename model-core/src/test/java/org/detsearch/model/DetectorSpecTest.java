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

    @Test
    void anUnknownArchitectureNamesTheKeyAndTheChoices() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> DetectorSpec.fromConfig(model("architecture = yolo"), 3));
        assertTrue(e.getMessage().contains("train.model.architecture") && e.getMessage().contains("yolo")
                && e.getMessage().contains("retinanet"), e.getMessage());
    }

    @Test
    void aBadRetinaNetValueIsReportedWithItsPath() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> DetectorSpec.fromConfig(model("architecture = retinanet, backbone = resnet50, width = 1.0, "
                        + "fpn-channels = 64, head-depth = 2, head-group-norm = 0, image-size = 200, anchor-scale = 4"), 3));
        assertTrue(e.getMessage().contains("train.model") && e.getMessage().contains("multiple of 128"), e.getMessage());
    }
}

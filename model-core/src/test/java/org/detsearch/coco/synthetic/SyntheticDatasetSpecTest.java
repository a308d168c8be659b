package org.detsearch.coco.synthetic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.config.ConfigView;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDatasetSpecTest {

    private static SyntheticDatasetSpec fromConfig(String overrides) {
        Config conf = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
        ConfigView view = ConfigView.of(conf, "generate");
        return ConfigView.validated("generate", () -> SyntheticDatasetSpec.fromConfig(view));
    }

    @Test
    void referenceConfDefaultsMakeTheDemoDataset() {
        assertEquals(new SyntheticDatasetSpec("target/synthetic", 7, 400, 100, 256, 1, 6, 0.1, 90), fromConfig(""));
        assertFalse(ConfigFactory.defaultReference().getBoolean("generate.overwrite"), "generate-data refuses to overwrite by default");
    }

    @Test
    void overridesAreRead() {
        SyntheticDatasetSpec spec = fromConfig("generate { output = \"hdfs://nn/x\", seed = -3, train-images = 0, val-images = 5, "
                + "image-size = 128, min-objects = 0, max-objects = 0, crowd-probability = 1, jpeg-quality = 50, "
                + "min-object-size = 0.2, max-object-size = 0.6 }");
        assertEquals(new SyntheticDatasetSpec("hdfs://nn/x", -3, 0, 5, 128, 0, 0, 1.0, 50, 0.2, 0.6), spec);
    }

    @Test
    void aBadValueNamesItsFullKey() {
        assertBadKey("generate.image-size", "generate.image-size = 32");
        assertBadKey("generate.image-size", "generate.image-size = big");
        assertBadKey("generate.seed", "generate.seed = 1.5");
        assertBadKey("generate.train-images", "generate.train-images = -1");
        assertBadKey("generate.min-objects", "generate.min-objects = 51");
        assertBadKey("generate.crowd-probability", "generate.crowd-probability = 1.5");
        assertBadKey("generate.jpeg-quality", "generate.jpeg-quality = 0");
        assertBadKey("generate.output", "generate.output = \"\"");
    }

    private static void assertBadKey(String key, String override) {
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> fromConfig(override));
        assertEquals(key, e.path(), e.getMessage());
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @Test
    void settingsThatOnlyFailTogetherAreReportedForTheSection() {
        ConfigValidationException minMax = assertThrows(ConfigValidationException.class,
                () -> fromConfig("generate { min-objects = 5, max-objects = 2 }"));
        assertEquals("bad config in section 'generate': objects per image must satisfy 0 <= min <= max <= 50, got 5..2",
                minMax.getMessage());
        assertEquals("bad config in section 'generate': object sizes must satisfy 0.02 <= min-object-size <= "
                + "max-object-size <= 0.95, got 0.5..0.3", assertThrows(ConfigValidationException.class,
                () -> fromConfig("generate { min-object-size = 0.5, max-object-size = 0.3 }")).getMessage());
        ConfigValidationException empty = assertThrows(ConfigValidationException.class,
                () -> fromConfig("generate { train-images = 0, val-images = 0 }"));
        assertEquals("bad config in section 'generate': train-images + val-images must be at least 1, got 0", empty.getMessage());
    }

    @Test
    void theConstructorValidatesToo() {
        assertEquals("image-size must be in [64, 4096], got 32", assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDatasetSpec("x", 1, 1, 1, 32, 1, 2, 0, 90)).getMessage());
        assertEquals("crowd-probability must be in [0, 1], got NaN", assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDatasetSpec("x", 1, 1, 1, 128, 1, 2, Double.NaN, 90)).getMessage());
        assertEquals("output must name a folder, got none", assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDatasetSpec(null, 1, 1, 1, 128, 1, 2, 0, 90)).getMessage());
        assertEquals("jpeg-quality must be in [1, 100], got 101", assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDatasetSpec("x", 1, 1, 1, 128, 1, 2, 0, 101)).getMessage());
    }
}

package org.detsearch.scaling;

import org.detsearch.config.ConfigValidationException;
import org.detsearch.model.RetinaNetSpec;
import org.junit.jupiter.api.Test;

import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetinaNetFamilyTest {
    private final RetinaNetFamily family = new RetinaNetFamily();

    static SortedMap<String, Object> tiny() {
        return TinyArchitectures.retinaNet();
    }

    @Test
    void anArchitectureBecomesTheRetinaNetOfTheSameKeysAtTheAskedSize() {
        RetinaNetSpec spec = (RetinaNetSpec) family.spec(tiny(), 6, 256);
        assertEquals(16, spec.fpnChannels());
        assertEquals(1, spec.headDepth());
        assertEquals(256, spec.imageSize(), "the proxy size, not the nominal 128");
        assertEquals(6, spec.numClasses());
        assertEquals(0.125, spec.backbone().widthMultiplier());
        assertEquals("tiny", spec.backbone().name());
        assertEquals(128, family.imageSize(tiny()));
        assertEquals("tiny x0.125, FPN 16, head 1, 128 px", family.describe(tiny()));
    }

    @Test
    void badAxesFailWithTheKeyOrTheReason() {
        SortedMap<String, Object> typo = tiny();
        typo.put("backbone", "resnet5");
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> family.spec(typo, 6, 128));
        assertTrue(e.getMessage().contains("'architecture.backbone'"), e.getMessage());
        SortedMap<String, Object> groups = tiny();
        groups.put("head-group-norm", 3);
        ConfigValidationException g = assertThrows(ConfigValidationException.class, () -> family.spec(groups, 6, 128));
        assertTrue(g.getMessage().contains("must divide the 16 FPN channels"), g.getMessage());
    }

    @Test
    void coefficientScalingMovesDepthWidthAndResolution() {
        SortedMap<String, Object> base = tiny();
        base.put("head-depth", 2);
        base.put("fpn-channels", 32);
        base.put("image-size", 256);
        SortedMap<String, Object> scaled = family.scaled(base, new ScaleMultipliers(1.2, 1.1, 1.15));
        assertEquals(3, ((Number) scaled.get("head-depth")).intValue(), "ceil(2 x 1.2)");
        assertEquals(0.1375, ((Number) scaled.get("width")).doubleValue(), 1e-12);
        assertEquals(32, ((Number) scaled.get("fpn-channels")).intValue(), "35.2 -> nearest multiple of 8");
        assertEquals(256, ((Number) scaled.get("image-size")).intValue(), "294 -> nearest multiple of 128");
        SortedMap<String, Object> wide = family.scaled(base, new ScaleMultipliers(1, 1.4, 1.3));
        assertEquals(48, ((Number) wide.get("fpn-channels")).intValue());
        assertEquals(384, ((Number) wide.get("image-size")).intValue());
        base.put("head-group-norm", 16);
        assertEquals(48, ((Number) family.scaled(base, new ScaleMultipliers(1, 1.4, 1)).get("fpn-channels")).intValue(),
                "a multiple of 16 too, so the groups still divide");
        TreeMap<String, Object> settings = new TreeMap<>();
        assertEquals(new TrialConfig("retinanet", tiny(), 1, 1, settings).id(),
                new TrialConfig("retinanet", family.scaled(tiny(), ScaleMultipliers.NONE), 1, 1, settings).id(),
                "multipliers of 1 give the base itself, as one trial");
    }

    @Test
    void retinaNetHasNoCompoundRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> family.compound(tiny(), CompoundScale.of(1, CompoundRule.TABLE)));
        assertTrue(e.getMessage().contains("retinanet family has no compound scaling rule"), e.getMessage());
    }

    @Test
    void imageSizesRoundToTheCoarsestStride() {
        assertEquals(128, family.roundImageSize(tiny(), 10));
        assertEquals(128, family.roundImageSize(tiny(), 191));
        assertEquals(256, family.roundImageSize(tiny(), 192));
        assertEquals(640, family.roundImageSize(tiny(), 640));
    }
}

package org.detsearch.scaling;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.model.EfficientDetSpec;
import org.detsearch.model.ParameterCount;
import org.detsearch.model.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EfficientDetFamilyTest {
    private final EfficientDetFamily family = new EfficientDetFamily();

    /** D0 in the family's explicit axes (sweep.model.efficientdet's defaults). */
    static SortedMap<String, Object> d0() {
        SortedMap<String, Object> a = new TreeMap<>();
        a.put("backbone", "efficientnet-b0");
        a.put("width-coefficient", 1.0);
        a.put("depth-coefficient", 1.0);
        a.put("drop-connect", 0.0);
        a.put("fpn-width", 64);
        a.put("fpn-depth", 3);
        a.put("head-depth", 3);
        a.put("fusion", "fast-attention");
        a.put("anchor-scale", 4);
        a.put("max-level", 7);
        a.put("image-size", 512);
        return a;
    }

    @Test
    void compoundScalingByTheTableGivesTheOfficialModels() {
        for (int phi = 0; phi <= 7; phi++) {
            SortedMap<String, Object> a = family.compound(d0(), CompoundScale.of(phi, CompoundRule.TABLE));
            EfficientDetSpec spec = (EfficientDetSpec) family.spec(a, 90, family.imageSize(a));
            EfficientDetSpec official = EfficientDetSpec.named("efficientdet-d" + phi);
            String d = "D" + phi;
            assertEquals(official.backbone(), spec.backbone(), d);
            assertEquals(official.fpnWidth(), spec.fpnWidth(), d);
            assertEquals(official.fpnDepth(), spec.fpnDepth(), d);
            assertEquals(official.headDepth(), spec.headDepth(), d);
            assertEquals(official.fusion(), spec.fusion(), d);
            assertEquals(official.anchors(), spec.anchors(), d);
            assertEquals(official.imageSize(), spec.imageSize(), d);
        }
    }

    @Test
    void d0ByTheTableHasTheOfficialParameterCount() {
        SortedMap<String, Object> a = family.compound(d0(), CompoundScale.of(0, CompoundRule.TABLE));
        ComputationGraph net = new ComputationGraph(family.spec(a, 90, 512).graph(new TrainingSettings(new Sgd(0.1), 0, 1, 1)));
        net.init();
        assertEquals(3_880_067, ParameterCount.of(net).trainable());
    }

    @Test
    void compoundScalingByTheFormulas() {
        SortedMap<String, Object> d5 = family.compound(d0(), CompoundScale.of(5, CompoundRule.FORMULAS));
        assertEquals("efficientnet-b5", d5.get("backbone"));
        assertEquals(288, d5.get("fpn-width"));
        assertEquals(8, d5.get("fpn-depth"));
        assertEquals(4, d5.get("head-depth"));
        assertEquals(1152, d5.get("image-size"));
        assertEquals("fast-attention", d5.get("fusion"));
        assertEquals("B5, BiFPN 288x8, head 4, 1152 px", family.describe(d5));
        assertEquals("B6, BiFPN 384x8 sum, head 5, 1536 px",
                family.describe(family.compound(d0(), CompoundScale.of(7, CompoundRule.TABLE))));
    }

    @Test
    void coefficientScalingScalesTheBackboneBiFpnHeadsAndInput() {
        SortedMap<String, Object> s = family.scaled(d0(), new ScaleMultipliers(1.2, 1.1, 1.15));
        assertEquals("scaled", s.get("backbone"), "B0's own coefficients, scaled");
        assertEquals(1.1, ((Number) s.get("width-coefficient")).doubleValue(), 1e-12);
        assertEquals(1.2, ((Number) s.get("depth-coefficient")).doubleValue(), 1e-12);
        assertEquals(72, s.get("fpn-width"), "64 x 1.1 = 70.4 -> 72");
        assertEquals(4, s.get("fpn-depth"), "ceil(3 x 1.2)");
        assertEquals(4, s.get("head-depth"));
        assertEquals(640, s.get("image-size"), "588.8 -> the nearest multiple of 128");
        EfficientDetSpec spec = (EfficientDetSpec) family.spec(s, 90, 640);
        assertEquals(1.1, spec.backbone().widthCoefficient(), 1e-12);
        assertTrue(family.describe(s).startsWith("B0 x(w 1.1, d 1.2), BiFPN 72x4"), family.describe(s));
    }

    @Test
    void sizesAreMultiplesOfTheCoarsestStrideAndBadAxesAreNamed() {
        SortedMap<String, Object> p8 = d0();
        p8.put("max-level", 8);
        assertEquals(256, family.roundImageSize(p8, 300));
        assertEquals(512, family.roundImageSize(d0(), 520));
        SortedMap<String, Object> typo = d0();
        typo.put("backbone", "efficientnet-b9");
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> family.spec(typo, 90, 512));
        assertTrue(e.getMessage().contains("'architecture.backbone'"), e.getMessage());
        assertThrows(ConfigValidationException.class, () -> family.spec(d0(), 90, 500));
    }
}

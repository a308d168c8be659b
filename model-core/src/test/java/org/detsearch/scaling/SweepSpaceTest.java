package org.detsearch.scaling;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepSpaceTest {
    private final RetinaNetFamily family = new RetinaNetFamily();

    @Test
    void aGridIsTheProductOfItsAxesOverTheBase() {
        LinkedHashMap<String, List<Object>> axes = new LinkedHashMap<>();
        axes.put("fpn-channels", List.of(16, 32));
        axes.put("head-depth", List.of(1, 2, 3));
        List<ArchitecturePoint> points = SweepSpace.grid(RetinaNetFamilyTest.tiny(), axes, 1000);
        assertEquals(6, points.size());
        assertEquals(List.of("16/1", "16/2", "16/3", "32/1", "32/2", "32/3"), points.stream()
                .map(p -> p.architecture().get("fpn-channels") + "/" + p.architecture().get("head-depth")).toList(),
                "the first axis varies slowest");
        assertTrue(points.stream().allMatch(p -> p.architecture().get("backbone").equals("tiny")), "the rest from the base");
        assertEquals("grid", points.get(0).labels().get("kind"));
    }

    @Test
    void gridMistakesAreRefused() {
        LinkedHashMap<String, List<Object>> typo = new LinkedHashMap<>();
        typo.put("fpn-chanels", List.of(16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepSpace.grid(RetinaNetFamilyTest.tiny(), typo, 1000));
        assertTrue(e.getMessage().contains("unknown axis 'fpn-chanels'"), e.getMessage());
        LinkedHashMap<String, List<Object>> big = new LinkedHashMap<>();
        big.put("fpn-channels", List.of(8, 16, 24, 32));
        big.put("head-depth", List.of(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> SweepSpace.grid(RetinaNetFamilyTest.tiny(), big, 11));
        LinkedHashMap<String, List<Object>> empty = new LinkedHashMap<>();
        empty.put("head-depth", List.of());
        assertThrows(IllegalArgumentException.class, () -> SweepSpace.grid(RetinaNetFamilyTest.tiny(), empty, 10));
    }

    @Test
    void seedsAndSubsetsMultiplyTheTrialsAndEqualTrialsCollapse() {
        SortedMap<String, Object> settings = new TreeMap<>(Map.of("epochs", 1));
        List<ArchitecturePoint> coefficients = SweepSpace.coefficients(family, RetinaNetFamilyTest.tiny(),
                new CoefficientGrid(0.1, 1.5, 2, 0.15));
        assertTrue(coefficients.size() > 3);
        assertTrue(coefficients.stream().allMatch(p -> p.labels().containsKey("alpha") && p.labels().get("kind").equals("coefficients")));
        List<Trial> trials = SweepSpace.trials("retinanet", coefficients, List.of(1L, 2L), List.of(0.5, 1.0), settings, 100_000);
        Set<SortedMap<String, Object>> distinct = coefficients.stream().map(ArchitecturePoint::architecture).collect(Collectors.toSet());
        assertEquals(distinct.size() * 4, trials.size(), "rounded to the same architecture, two coefficient triples are one trial");
        assertEquals(trials.size(), trials.stream().map(Trial::id).distinct().count());
        Trial first = trials.get(0);
        assertEquals(1L, first.config().seed());
        assertEquals(0.5, first.config().dataSubset());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepSpace.trials("retinanet", coefficients, List.of(1L, 2L), List.of(0.5, 1.0), settings, 10));
        assertTrue(e.getMessage().contains("over the limit of 10"), e.getMessage());
    }

    @Test
    void compoundPointsCarryPhiAndRuleAndNeedAFamilyThatScales() {
        EfficientDetFamily efficientDet = new EfficientDetFamily();
        List<ArchitecturePoint> points = SweepSpace.compound(efficientDet, EfficientDetFamilyTest.d0(), List.of(0, 3), CompoundRule.TABLE);
        assertEquals(List.of(512, 896), points.stream().map(p -> p.architecture().get("image-size")).toList());
        assertEquals(Map.of("kind", "compound", "phi", "3", "rule", "table"), points.get(1).labels());
        assertThrows(IllegalArgumentException.class,
                () -> SweepSpace.compound(family, RetinaNetFamilyTest.tiny(), List.of(0), CompoundRule.TABLE));
    }
}

package org.detsearch.scaling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoefficientGridTest {
    @Test
    void efficientNetsCoefficientsAreOnTheDefaultGrid() {
        List<ScaleMultipliers> candidates = new CoefficientGrid(0.05, 2, 2, 0.1).candidates();
        assertTrue(candidates.contains(new ScaleMultipliers(1.2, 1.1, 1.15)), "B0's alpha 1.2, beta 1.1, gamma 1.15 (1.92)");
        for (ScaleMultipliers m : candidates) {
            assertTrue(Math.abs(m.costFactor() - 2) <= 0.1 + 1e-12, m.toString());
            assertTrue(m.depth() >= 1 && m.width() >= 1 && m.resolution() >= 1);
        }
        assertEquals(new ScaleMultipliers(1, 1, 1.4), candidates.get(0), "alpha first, then beta, then gamma");
    }

    @Test
    void aTighterToleranceKeepsFewerTriplesAndAFinerStepMore() {
        int loose = new CoefficientGrid(0.1, 2, 2, 0.2).candidates().size();
        int tight = new CoefficientGrid(0.1, 2, 2, 0.05).candidates().size();
        int fine = new CoefficientGrid(0.05, 2, 2, 0.05).candidates().size();
        assertTrue(tight < loose, tight + " < " + loose);
        assertTrue(fine > tight, fine + " > " + tight);
        // exact: alpha * beta^2 * gamma^2 = 2 on a 0.1 grid: (2, 1, 1) only... and none other hits 2 +- 0.001 exactly
        assertEquals(List.of(new ScaleMultipliers(2, 1, 1)), new CoefficientGrid(0.1, 2, 2, 0.001).candidates());
    }

    @Test
    void gridPointsDoNotAccumulateRounding() {
        // 1 + 7 * 0.1 is 1.7000000000000002 in binary; the grid holds 1.7
        assertTrue(new CoefficientGrid(0.1, 2, 1.7, 1e-9).candidates().contains(new ScaleMultipliers(1.7, 1, 1)));
    }

    @Test
    void impossibleGridsAreRefused() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new CoefficientGrid(0.5, 1.2, 2, 0.1).candidates());
        assertTrue(none.getMessage().contains("widen the tolerance or the range"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CoefficientGrid(0, 2, 2, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new CoefficientGrid(1e-6, 2, 2, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new CoefficientGrid(0.1, 2, 1, 0.1));
    }
}

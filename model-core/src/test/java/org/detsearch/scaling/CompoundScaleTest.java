package org.detsearch.scaling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompoundScaleTest {
    @Test
    void theTableIsTheOfficialModelTable() {
        // PAPERS.md 2.9: input, backbone, W_bifpn, D_bifpn, D_head for D0..D7 (read from EfficientDetSpec's rows)
        int[][] expected = {{512, 0, 64, 3, 3}, {640, 1, 88, 4, 3}, {768, 2, 112, 5, 3}, {896, 3, 160, 6, 4},
                {1024, 4, 224, 7, 4}, {1280, 5, 288, 7, 4}, {1280, 6, 384, 8, 5}, {1536, 6, 384, 8, 5}};
        for (int phi = 0; phi <= 7; phi++) {
            CompoundScale s = CompoundScale.of(phi, CompoundRule.TABLE);
            int[] e = expected[phi];
            assertEquals(List.of(e[0], e[1], e[2], e[3], e[4]),
                    List.of(s.imageSize(), s.backbone(), s.fpnWidth(), s.fpnDepth(), s.headDepth()), "D" + phi);
            assertEquals("efficientdet-d" + phi, s.modelName());
            assertEquals(phi >= 6 ? org.detsearch.neck.FusionMethod.SUM : org.detsearch.neck.FusionMethod.FAST_ATTENTION, s.fusion());
            assertEquals(phi == 7 ? 5.0 : 4.0, s.anchorScale());
            assertEquals(phi == 0 ? 0.0 : 0.2, s.backboneDropConnect());
        }
    }

    @Test
    void theFormulasAreThePapersWithWidthsRoundedToMultiplesOfEight() {
        // 64 * 1.35^phi = 64, 86.4, 116.6, 157.5, 212.6, 287.0, 387.5, 523.1
        assertEquals(List.of(64, 88, 120, 160, 216, 288, 384, 520),
                IntStream.rangeClosed(0, 7).mapToObj(p -> CompoundScale.of(p, CompoundRule.FORMULAS).fpnWidth()).toList());
        CompoundScale d5 = CompoundScale.of(5, CompoundRule.FORMULAS);
        assertEquals(List.of(5, 8, 4, 1152), List.of(d5.backbone(), d5.fpnDepth(), d5.headDepth(), d5.imageSize()),
                "D = 3 + phi, head = 3 + floor(phi / 3), R = 512 + 128 phi (the table has 7 cells and 1280 for D5)");
        CompoundScale d9 = CompoundScale.of(9, CompoundRule.FORMULAS);
        assertEquals(7, d9.backbone(), "no EfficientNet beyond B7");
        assertEquals(0, d9.imageSize() % 128, "the input stays divisible by 2^7");
    }

    @Test
    void phiOutsideTheRuleIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompoundScale.of(8, CompoundRule.TABLE));
        assertTrue(e.getMessage().contains("[0, 7] for the table rule, got 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CompoundScale.of(-1, CompoundRule.FORMULAS));
    }

    @Test
    void roundWidthNeverGoesBelowNinetyPercent() {
        assertEquals(8, CompoundScale.roundWidth(3));
        assertEquals(16, CompoundScale.roundWidth(12));
        assertEquals(24, CompoundScale.roundWidth(20.1));
    }
}

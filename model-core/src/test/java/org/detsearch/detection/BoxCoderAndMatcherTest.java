package org.detsearch.detection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoxCoderAndMatcherTest {
    @Test
    void encodingIsCentreOffsetsOverAnchorSizeAndLogSizeRatios() {
        double[] anchor = {0, 0, 10, 20};
        double[] box = {2, 4, 12, 44};
        float[] code = new float[4];
        BoxCoder.encode(box, 0, anchor, 0, code, 0);
        // centres (5, 10) vs (7, 24); sizes 10x20 vs 10x40
        assertEquals(2 / 10.0, code[0], 1e-6);
        assertEquals(14 / 20.0, code[1], 1e-6);
        assertEquals(0, code[2], 1e-6);
        assertEquals(Math.log(2), code[3], 1e-6);
        double[] decoded = new double[4];
        BoxCoder.decode(code[0], code[1], code[2], code[3], anchor, 0, decoded, 0);
        assertArrayEquals(box, decoded, 1e-5);
    }

    @Test
    void degenerateBoxesStayFinite() {
        float[] code = new float[4];
        BoxCoder.encode(new double[] {5, 5, 5, 5}, 0, new double[] {0, 0, 10, 10}, 0, code, 0);
        for (float v : code) {
            assertTrue(Float.isFinite(v));
        }
    }

    private static final AnchorGrid GRID = new AnchorGrid(new AnchorSpec(3, 3, 1, new double[] {1.0}, 4.0), 64, 64);

    @Test
    void anchorsOverlappingABoxByHalfOrMoreArePositiveTheRestBackground() {
        // 8x8 grid of 32x32 anchors at stride 8. A 32x32 box exactly on anchor (row 3, col 3) matches it (IoU 1)
        // and its neighbours one stride away (IoU 24*32 / (2048 - 768) = 0.6); two strides away IoU = 1/3.
        int centre = 3 * 8 + 3;
        double[] anchorBox = GRID.box(centre);
        AnchorTargets t = new AnchorMatcher(GRID).match(anchorBox, new int[] {4}, new boolean[] {false});
        assertEquals(4, t.classes()[centre]);
        assertEquals(4, t.classes()[centre + 1]);
        assertEquals(4, t.classes()[centre + 8]);
        assertEquals(AnchorTargets.NEGATIVE, t.classes()[centre + 2]);
        assertEquals(AnchorTargets.NEGATIVE, t.classes()[centre + 9], "diagonal: IoU 24*24/(2048-576) < 0.5");
        assertEquals(5, t.positives());
        assertArrayEquals(new float[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(t.boxes(), 4 * centre, 4 * centre + 4), 1e-6f);
    }

    @Test
    void aSmallBoxIsForcedOntoItsBestAnchorAndCrowdRegionsAreLeftOut() {
        double[] boxes = {10, 10, 14, 14, 0, 0, 64, 64};
        AnchorTargets t = new AnchorMatcher(GRID).match(boxes, new int[] {2, 7}, new boolean[] {false, true});
        assertEquals(1, t.positives(), "the 4x4 box overlaps every anchor by < 0.5 but gets its best one; the crowd box none");
        int forced = -1;
        for (int a = 0; a < GRID.size(); a++) {
            if (t.classes()[a] >= 0) {
                forced = a;
            }
        }
        assertEquals(2, t.classes()[forced]);
        assertEquals(0, forced, "the 32x32 anchors at (4, 4), (4, 12), (12, 12) ... all contain the box and tie at "
                + "IoU 16/1024: argmax takes the first");
    }

    @Test
    void noBoxesMeansAllBackground() {
        AnchorTargets t = new AnchorMatcher(GRID).match(new double[0], new int[0], new boolean[0]);
        assertEquals(0, t.positives());
        assertTrue(java.util.Arrays.stream(t.classes()).allMatch(c -> c == AnchorTargets.NEGATIVE));
    }
}

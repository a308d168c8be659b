package org.detsearch.detection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AnchorGridTest {
    @Test
    void efficientDetD0HasNineAnchorsPerPositionOnP3ToP7() {
        AnchorGrid grid = new AnchorGrid(AnchorSpec.EFFICIENTDET, 512, 512);
        // 64^2 + 32^2 + 16^2 + 8^2 + 4^2 = 5456 positions x 9 = 49104 anchors (EfficientDet-D0's count)
        assertEquals(49104, grid.size());
        assertEquals(64, grid.featureHeight(0));
        assertEquals(4, grid.featureWidth(4));
        assertEquals(64 * 64 * 9, grid.levelOffset(1));
    }

    @Test
    void firstAnchorsFollowTheReferenceOrderAndSizes() {
        AnchorGrid grid = new AnchorGrid(AnchorSpec.EFFICIENTDET, 512, 512);
        // P3: stride 8, centre (4, 4), base size 4 * 8 = 32: octave 0, ratio 1 -> 32 x 32 around (4, 4)
        assertArrayEquals(new double[] {-12, -12, 20, 20}, grid.box(0), 1e-12);
        // ratio 2 (width / height): x-factor sqrt(2), y-factor 1/sqrt(2)
        double halfW = 32 * Math.sqrt(2) / 2;
        double halfH = 32 / Math.sqrt(2) / 2;
        assertArrayEquals(new double[] {4 - halfH, 4 - halfW, 4 + halfH, 4 + halfW}, grid.box(1), 1e-12);
        // third octave scale 2^(2/3), ratio 0.5 is index 8; index 9 is the next x position (centre x = 12)
        double s = 32 * Math.pow(2, 2.0 / 3);
        assertArrayEquals(new double[] {4 - s * Math.sqrt(2) / 2, 4 - s / Math.sqrt(2) / 2, 4 + s * Math.sqrt(2) / 2, 4 + s / Math.sqrt(2) / 2},
                grid.box(8), 1e-9);
        assertEquals(12 - 16, grid.box(9)[1], 1e-12);
        // the first anchor of the second row sits at y = 12
        assertEquals(12 - 16, grid.box(64 * 9)[0], 1e-12);
        // P7: stride 128, base size 512
        int p7 = grid.levelOffset(4);
        assertArrayEquals(new double[] {64 - 256, 64 - 256, 64 + 256, 64 + 256}, grid.box(p7), 1e-9);
    }

    @Test
    void sizesThatDoNotDivideEvenlyRoundFeatureMapsUp() {
        AnchorGrid grid = new AnchorGrid(new AnchorSpec(3, 5, 1, new double[] {1.0}, 4.0), 100, 60);
        // 100 -> 50 -> 25 -> 13 -> 7 -> 4; 60 -> 30 -> 15 -> 8 -> 4 -> 2
        assertEquals(13, grid.featureHeight(0));
        assertEquals(8, grid.featureWidth(0));
        assertEquals(13 * 8 + 7 * 4 + 4 * 2, grid.size());
        // stride 100/13 on y: centre of the first anchor at 50/13
        assertEquals(100.0 / 13 / 2, (grid.box(0)[0] + grid.box(0)[2]) / 2, 1e-12);
    }

    @Test
    void badSpecsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AnchorSpec(5, 3, 3, new double[] {1}, 4));
        assertThrows(IllegalArgumentException.class, () -> new AnchorSpec(3, 7, 0, new double[] {1}, 4));
    }
}

package org.detsearch.detection;

import org.detsearch.image.PreparedImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TargetEncoderTest {
    private static final AnchorGrid GRID = new AnchorGrid(new AnchorSpec(3, 3, 1, new double[] {1.0}, 4.0), 64, 64);

    private static PreparedImage image(double[] boxes, int[] labels) {
        return new PreparedImage(1, 64, new float[3 * 64 * 64], boxes, labels, new boolean[labels.length], 1, 64, 64);
    }

    @Test
    void positiveAnchorsGetAOneHotRowAndBoxTargetsEverythingElseIsBackground() {
        double[] box = GRID.box(3 * 8 + 3);
        TargetEncoder.Encoded e = new TargetEncoder(GRID, 3).encode(image(box, new int[] {2}));
        int anchor = 3 * 8 + 3;
        assertEquals(5, e.positives(), "the anchor and its four neighbours (IoU 0.6)");
        assertEquals(1f, e.classLabels()[anchor * 3 + 2]);
        assertEquals(0f, e.classLabels()[anchor * 3]);
        assertEquals(5f, sum(e.classLabels()));
        assertEquals(GRID.size() * 3f, sum(e.classMask()), "no anchor is ignored");
        assertEquals(20f, sum(e.boxMask()));
        assertEquals(0f, e.boxMask()[0]);
    }

    @Test
    void labelsOutsideTheClassCountAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new TargetEncoder(GRID, 2).encode(image(GRID.box(0), new int[] {2})));
    }

    private static float sum(float[] values) {
        float s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}

package org.detsearch.image;

import org.detsearch.coco.ImageAnnotations;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePipelineTest {
    /** A 64x48 image: left half red, right half blue; one box on the red half, one on the blue half. */
    private static DecodedSample halves() {
        int w = 64;
        int h = 48;
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[3 * (y * w + x) + (x < w / 2 ? 0 : 2)] = (byte) 255;
            }
        }
        ImageAnnotations gt = new ImageAnnotations(5, "h.jpg", w, h, new float[] {4, 8, 16, 20, 40, 10, 20, 30},
                new int[] {1, 3}, new int[] {0, 1}, new boolean[] {false, true});
        return new DecodedSample(gt, w, h, rgb);
    }

    private static float red(PreparedImage p, int y, int x) {
        return p.chw()[(0 * p.size() + y) * p.size() + x] * PipelineSpec.STD[0] + PipelineSpec.MEAN[0];
    }

    @Test
    void evaluationFitsTheImageIntoTheSquareAndPadsBelow() {
        PreparedImage p = new ImagePipeline(PipelineSpec.efficientDet(128)).forEvaluation(halves());
        // scale = min(128 / 48, 128 / 64) = 2: the picture fills 128 x 96, rows 96.. are padding (normalised 0)
        assertEquals(2.0, p.scale(), 0.0);
        assertEquals(255, red(p, 10, 10), 0.5);
        assertEquals(0, red(p, 10, 100), 0.5);
        assertEquals(0f, p.chw()[(0 * 128 + 100) * 128 + 10], 0f, "padding is the mean colour");
        assertArrayEquals(new double[] {16, 8, 56, 40, 20, 80, 80, 120}, p.boxes(), 1e-9);
        assertArrayEquals(new int[] {0, 1}, p.labels());
        assertArrayEquals(new boolean[] {false, true}, p.crowd());
        assertEquals(64, p.originalWidth());
    }

    @Test
    void flippingMirrorsPixelsAndBoxes() {
        ImagePipeline pipeline = new ImagePipeline(new PipelineSpec(128, 1.0, 1.0, true));
        // Find a seed whose first draw flips.
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            PreparedImage p = pipeline.forTraining(halves(), random);
            boolean flipped = red(p, 10, 10) < 128;
            if (flipped) {
                assertEquals(255, red(p, 10, 100), 0.5, "red is now on the right");
                // box 0 (x 4..20 -> 8..40 scaled) mirrors to 128 - 40 .. 128 - 8
                assertArrayEquals(new double[] {16, 88, 56, 120}, Arrays.copyOf(p.boxes(), 4), 1e-9);
                return;
            }
        }
        throw new AssertionError("no flip in 20 seeds");
    }

    @Test
    void jitterIsDeterministicBySeedAndKeepsBoxesInsideTheInput() {
        ImagePipeline pipeline = new ImagePipeline(PipelineSpec.efficientDet(64));
        for (int seed = 0; seed < 50; seed++) {
            PreparedImage a = pipeline.forTraining(halves(), new Random(seed));
            PreparedImage b = pipeline.forTraining(halves(), new Random(seed));
            assertArrayEquals(a.chw(), b.chw());
            assertArrayEquals(a.boxes(), b.boxes());
            for (double v : a.boxes()) {
                assertTrue(v >= 0 && v <= 64, "box inside the input: " + Arrays.toString(a.boxes()));
            }
            for (int i = 0; i < a.labels().length; i++) {
                assertTrue(a.boxes()[4 * i + 2] > a.boxes()[4 * i] && a.boxes()[4 * i + 3] > a.boxes()[4 * i + 1]);
            }
            assertTrue(a.scale() >= 0.1 * 1.0 - 1e-9 && a.scale() <= 2.0 * 1.0 + 1e-9, "scale within the jitter range: " + a.scale());
        }
    }
}

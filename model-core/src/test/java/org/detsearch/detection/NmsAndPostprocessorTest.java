package org.detsearch.detection;

import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.Detection;
import org.detsearch.coco.LabelMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NmsAndPostprocessorTest {
    // Three boxes: b overlaps a with IoU 0.81 (10x9 inside 10x10 shifted); c is far away.
    private static final double[] BOXES = {0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60};
    private static final double[] SCORES = {0.9, 0.8, 0.3};

    @Test
    void hardNmsDropsBoxesOverlappingAKeptOneBeyondTheThreshold() {
        List<Nms.Kept> kept = Nms.suppress(BOXES, SCORES, NmsSpec.HARD);
        assertEquals(List.of(new Nms.Kept(0, 0.9), new Nms.Kept(2, 0.3)), kept);
    }

    @Test
    void gaussianSoftNmsDecaysOverlappingScoresInsteadOfDroppingThem() {
        // IoU(a, b) = 90 / 110; b's score becomes 0.8 * exp(-IoU^2 / 0.5); c does not overlap and keeps 0.3.
        double iou = 90.0 / 110.0;
        List<Nms.Kept> kept = Nms.suppress(BOXES, SCORES, NmsSpec.EFFICIENTDET);
        assertEquals(3, kept.size());
        assertEquals(0, kept.get(0).index());
        assertEquals(2, kept.get(1).index(), "c (0.3) now ranks above the decayed b");
        assertEquals(0.8 * Math.exp(-iou * iou / 0.5), kept.get(2).score(), 1e-12);
    }

    @Test
    void scoreThresholdAndMaxDetectionsApply() {
        NmsSpec spec = new NmsSpec(NmsMethod.HARD, 0.5, 0.5, 0.5, 10, 1);
        assertEquals(List.of(new Nms.Kept(0, 0.9)), Nms.suppress(BOXES, SCORES, spec));
    }

    @Test
    void postprocessingRecoversEncodedBoxesInOriginalCoordinatesWithCocoIds() {
        AnchorGrid grid = new AnchorGrid(new AnchorSpec(3, 4, 1, new double[] {1.0}, 4.0), 64, 64);
        LabelMap labels = new LabelMap(List.of(new CocoCategory(3, "square", ""), new CocoCategory(7, "disc", "")));
        int n = grid.size();
        float[] logits = new float[2 * n];
        java.util.Arrays.fill(logits, -10f);
        float[] regression = new float[4 * n];
        // One object of label 1 (COCO id 7) at [8, 16, 40, 36] (ymin, xmin, ymax, xmax) in input pixels, encoded
        // on anchor 10 with a confident logit.
        double[] object = {8, 16, 40, 36};
        BoxCoder.encode(object, 0, grid.boxes(), 4 * 10, regression, 4 * 10);
        logits[10 * 2 + 1] = 5f;
        // The input was the original image scaled by 0.5: detections come back at twice the size.
        List<Detection> detections = new Postprocessor(grid, NmsSpec.EFFICIENTDET, labels)
                .detections(42, logits, regression, 0.5, 128, 128);
        Detection best = detections.get(0);
        assertEquals(42, best.imageId());
        assertEquals(7, best.categoryId());
        assertEquals(Postprocessor.sigmoid(5), best.score(), 1e-9);
        assertEquals(32, best.bbox().x(), 1e-3);
        assertEquals(16, best.bbox().y(), 1e-3);
        assertEquals(40, best.bbox().width(), 1e-3);
        assertEquals(64, best.bbox().height(), 1e-3);
        assertTrue(detections.size() <= 100);
        assertTrue(detections.stream().skip(1).allMatch(d -> d.score() < 0.001 + 1e-3), "the rest are background-level");
    }

    @Test
    void topKKeepsTheLargestValues() {
        int[] top = Postprocessor.topK(new float[] {0.1f, 5f, -2f, 3f, 4f}, 3);
        java.util.Arrays.sort(top);
        assertEquals(List.of(1, 3, 4), java.util.Arrays.stream(top).boxed().toList());
    }
}

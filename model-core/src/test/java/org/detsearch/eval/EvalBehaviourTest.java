package org.detsearch.eval;

import org.detsearch.coco.BBox;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.Detection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each pycocotools behaviour that decides results, on a case small enough to work out by hand (the arithmetic is
 * in the comments). AP over 101 recall points: a precision p held up to recall R contributes p * (points <= R) / 101.
 */
class EvalBehaviourTest {
    private static final double TOL = 1e-12;

    /** A tiny ground truth: images 1..n, categories 1 ("a") and 2 ("b"), annotations added by the test. */
    private static final class Gt {
        final List<CocoImage> images = new ArrayList<>();
        final List<CocoAnnotation> annotations = new ArrayList<>();
        long nextId = 1;

        Gt(int images) {
            for (int i = 1; i <= images; i++) {
                this.images.add(new CocoImage(i, i + ".jpg", 200, 200));
            }
        }

        Gt box(long image, int category, double x, double y, double w, double h) {
            return box(image, category, x, y, w, h, w * h, false);
        }

        Gt box(long image, int category, double x, double y, double w, double h, double area, boolean crowd) {
            annotations.add(new CocoAnnotation(nextId++, image, category, new BBox(x, y, w, h), area, crowd));
            return this;
        }

        EvalGroundTruth dataset() {
            return EvalGroundTruth.of(new CocoInstances(images, annotations, List.of(new CocoCategory(1, "a", ""), new CocoCategory(2, "b", ""))));
        }
    }

    private static Detection det(long image, int category, double x, double y, double w, double h, double score) {
        return new Detection(image, category, new BBox(x, y, w, h), score);
    }

    private static CocoMetrics eval(Gt gt, Detection... dets) {
        return new CocoEvaluator().evaluate(gt.dataset(), DetectionTable.of(List.of(dets)), true);
    }

    @Test
    void iouThresholdsAreNumpysLinspaceValues() {
        double[] t = EvalParams.COCO.iouThresholds();
        assertEquals(0.8999999999999999, t[8], 0.0);
        assertEquals(0.75, t[5], 0.0, "AP75 is looked up by exact equality, as pycocotools does");
        assertEquals(0.95, t[9], 0.0);
        assertEquals(101, EvalParams.COCO.recallThresholds().length);
        assertEquals(1.0, EvalParams.COCO.recallThresholds()[100], 0.0);
    }

    @Test
    void recallPointsAreNumpysLinspaceValuesToo() {
        // numpy's linspace(0, 1, 101) gives 35 * 0.01 = 0.35000000000000003 for the 36th point, not 0.35. Twenty
        // images with one object each; by score: 7 hits, 1 miss, 1 hit. tp = 1..7, 7, 8; fp = 0 x7, 1, 1;
        // recall = .05 .. .35, .35, .40; precision 1 x7, 7/8, 8/9 -> from the right 1 x7, 8/9, 8/9.
        // Points 0 .. 0.34 (35 of them) first reach a recall >= the point within the hits: 1. The point
        // 0.35000000000000003 is above the recall 7/20 = 0.35 of the seventh hit and the miss, so it reads the ninth
        // detection: 8/9, as do 0.36 .. 0.40 (6 points in all); the other 60 read 0. AP = (35 + 6 * 8/9) / 101 at every
        // threshold (exact boxes). With 0.35 as the point it would be (36 + 5 * 8/9) / 101.
        assertEquals(0.35000000000000003, EvalParams.COCO.recallThresholds()[35], 0.0);
        Gt gt = new Gt(20);
        List<Detection> dets = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            gt.box(i, 1, 0, 0, 10, 10);
        }
        for (int i = 1; i <= 7; i++) {
            dets.add(det(i, 1, 0, 0, 10, 10, 1 - 0.01 * i));
        }
        dets.add(det(8, 1, 100, 100, 10, 10, 0.5));
        dets.add(det(8, 1, 0, 0, 10, 10, 0.4));
        CocoMetrics m = new CocoEvaluator().evaluate(gt.dataset(), DetectionTable.of(dets), false);
        assertEquals((35 + 6 * 8.0 / 9) / 101, m.get("AP"), 1e-12);
    }

    @Test
    void precisionHasNumpysSpacingOfOneInItsDenominator() {
        // tp / (tp + fp + eps) with eps = 2^-52: one hit and no miss gives 1 / (1 + 2^-52), which rounds to 1 - 2^-52
        // (0.9999999999999998, the value pycocotools reports for some single-object categories); with two hits
        // 2 + 2^-52 rounds back to 2 and precision is exactly 1.
        EvalGroundTruth one = new Gt(1).box(1, 1, 0, 0, 10, 10).dataset();
        DetectionTable hit = DetectionTable.of(List.of(det(1, 1, 0, 0, 10, 10, 0.9)));
        Accumulator.Curves curves = new Accumulator(EvalParams.COCO, 2)
                .accumulate(new PerImageMatching(EvalParams.COCO, one.index()).match(one.annotations(), hit));
        assertEquals(1 - Math.ulp(1.0), curves.precision(0, 0, 0, 0, 2), 0.0);
        EvalGroundTruth two = new Gt(1).box(1, 1, 0, 0, 10, 10).box(1, 1, 50, 50, 10, 10).dataset();
        DetectionTable hits = DetectionTable.of(List.of(det(1, 1, 0, 0, 10, 10, 0.9), det(1, 1, 50, 50, 10, 10, 0.8)));
        curves = new Accumulator(EvalParams.COCO, 2)
                .accumulate(new PerImageMatching(EvalParams.COCO, two.index()).match(two.annotations(), hits));
        assertEquals(1.0, curves.precision(0, 0, 0, 0, 2), 0.0);
    }

    @Test
    void aMatchNeedsIouAtLeastTheThresholdAsNumpyComputesIt() {
        // GT 10x10, detection 10x9 inside it: IoU = 90 / 100 = 0.9 > 0.8999999999999999 -> matched at the ninth
        // threshold (0.9 would also do), not at 0.95. AP per IoU: 1 for t <= 0.9, 0 at 0.95.
        CocoMetrics m = eval(new Gt(1).box(1, 1, 0, 0, 10, 10), det(1, 1, 0, 0, 10, 9, 0.9));
        double[] perIou = m.perClass().get(1).apPerIou();
        assertEquals(1.0, perIou[8], TOL);
        assertEquals(0.0, perIou[9], TOL);
        assertEquals(0.9, m.get("AP"), TOL);
    }

    @Test
    void aThresholdOfOneIsCappedJustBelowOne() {
        // With a single threshold of 1.0, a detection whose IoU is 1 - 1e-11 still matches: the threshold used is
        // min(1.0, 1 - 1e-10). 1e5 x (1e5 - 1e-6) inside 1e5 x 1e5: IoU = 1 - 1e-11.
        EvalParams strict = new EvalParams(new double[] {1.0}, EvalParams.COCO.recallThresholds(),
                EvalParams.COCO.maxDets(), EvalParams.COCO.areaRanges());
        Gt gt = new Gt(1).box(1, 1, 0, 0, 1e5, 1e5);
        DetectionTable nearlyExact = DetectionTable.of(List.of(det(1, 1, 0, 0, 1e5, 1e5 - 1e-6, 0.9)));
        assertTrue(BoxIou.iou(0, 0, 1e5, 1e5 - 1e-6, 0, 0, 1e5, 1e5, false) < 1.0);
        CocoMetrics m = new CocoEvaluator(strict).evaluate(gt.dataset(), nearlyExact, false);
        assertEquals(1.0, m.get("AP"), TOL);
        assertEquals(-1.0, m.get("AP50"), 0.0, "no 0.5 threshold: -1, as pycocotools' lookup by equality finds nothing");
    }

    @Test
    void iouHasNoPlusOneAndNoClippingToTheImage() {
        assertEquals(50.0 / 150.0, BoxIou.iou(-5, 0, 10, 10, 0, 0, 10, 10, false), TOL, "half outside the image: not clipped");
        assertEquals(0.0, BoxIou.iou(10, 0, 10, 10, 0, 0, 10, 10, false), 0.0, "touching boxes do not overlap without +1");
        assertEquals(1.0, BoxIou.iou(2, 2, 3, 3, 0, 0, 100, 100, true), 0.0, "inside a crowd region: intersection / detection area");
    }

    @Test
    void aCrowdRegionAbsorbsAnyNumberOfDetections() {
        // One person and one crowd region; 5 detections inside the crowd (scores .9-.5) and one on the person (.4).
        // The crowd-matched detections are ignored, not false positives: precision 1 at recall 1 -> AP 1.
        Gt gt = new Gt(1).box(1, 1, 0, 0, 20, 20).box(1, 1, 100, 100, 80, 80, 6400, true);
        List<Detection> dets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            dets.add(det(1, 1, 110 + 10 * i, 110, 8, 8, 0.9 - 0.1 * i));
        }
        dets.add(det(1, 1, 0, 0, 20, 20, 0.4));
        CocoMetrics m = new CocoEvaluator().evaluate(gt.dataset(), DetectionTable.of(dets), false);
        assertEquals(1.0, m.get("AP"), TOL);
        // Without the crowd flag the region is a regular box: one of the five is a TP, four are FPs ahead of the
        // person's detection, so AP falls.
        Gt plain = new Gt(1).box(1, 1, 0, 0, 20, 20).box(1, 1, 100, 100, 80, 80, 6400, false);
        assertTrue(new CocoEvaluator().evaluate(plain.dataset(), DetectionTable.of(dets), false).get("AP") < 0.7);
    }

    @Test
    void groundTruthAreaComesFromTheAreaFieldAndRangesAreClosed() {
        // A 40x40 box whose annotation area is exactly 32^2 = 1024 (a thin mask): it is small AND medium
        // (both ranges include 1024), never large although its box is 1600 px^2.
        CocoMetrics m = eval(new Gt(1).box(1, 1, 0, 0, 40, 40, 1024, false), det(1, 1, 0, 0, 40, 40, 0.9));
        assertEquals(1.0, m.get("APs"), TOL);
        assertEquals(1.0, m.get("APm"), TOL);
        assertEquals(-1.0, m.get("APl"), TOL);
        // Area 96^2 = 9216 is medium AND large; the top of every range is 1e10 (pycocotools' 1e5 ** 2), so an area
        // field above it leaves the box ignored even in "all": no ground truth counts, AP is -1.
        CocoMetrics upper = eval(new Gt(1).box(1, 1, 0, 0, 96, 96, 9216, false), det(1, 1, 0, 0, 96, 96, 0.9));
        assertEquals(-1.0, upper.get("APs"), 0.0);
        assertEquals(1.0, upper.get("APm"), TOL);
        assertEquals(1.0, upper.get("APl"), TOL);
        CocoMetrics top = eval(new Gt(1).box(1, 1, 0, 0, 96, 96, 1e10, false), det(1, 1, 0, 0, 96, 96, 0.9));
        assertEquals(1.0, top.get("AP"), TOL);
        CocoMetrics beyond = eval(new Gt(1).box(1, 1, 0, 0, 96, 96, 2e10, false), det(1, 1, 0, 0, 96, 96, 0.9));
        assertEquals(-1.0, beyond.get("AP"), 0.0);
    }

    @Test
    void unmatchedDetectionsOutsideTheAreaRangeAreIgnoredUsingTheirBoxArea() {
        // Small GT (10x10) found at score .5; a false positive of 100x100 (area 10000, large) at score .9 ranks
        // first. In the small range the FP's own area is outside the range, so it is ignored -> APs 1.
        CocoMetrics m = eval(new Gt(1).box(1, 1, 0, 0, 10, 10), det(1, 1, 0, 0, 10, 10, 0.5), det(1, 1, 50, 50, 100, 100, 0.9));
        assertEquals(1.0, m.get("APs"), TOL);
        // all: FP then TP -> precision [0, 1/2] -> envelope 1/2 for every recall point -> AP = 0.5 (minus eps).
        assertEquals(0.5, m.get("AP"), 1e-15);
    }

    @Test
    void maxDetsCountsPerImageAndCategoryAfterAStableSort() {
        // Image 1 has one object of each category and one detection of each: with maxDets 1 per image AND
        // category, both are kept -> AR1 = 1.
        CocoMetrics m = eval(new Gt(1).box(1, 1, 0, 0, 10, 10).box(1, 2, 50, 50, 10, 10),
                det(1, 1, 0, 0, 10, 10, 0.3), det(1, 2, 50, 50, 10, 10, 0.9));
        assertEquals(1.0, m.get("AR1"), TOL);
        // Two tied detections of one object: a miss first in the file, the hit second. The stable sort keeps file
        // order, so maxDets 1 keeps the miss -> AR1 = 0; AR10 = 1.
        CocoMetrics tied = eval(new Gt(1).box(1, 1, 0, 0, 10, 10), det(1, 1, 100, 100, 10, 10, 0.5), det(1, 1, 0, 0, 10, 10, 0.5));
        assertEquals(0.0, tied.get("AR1"), TOL);
        assertEquals(1.0, tied.get("AR10"), TOL);
    }

    @Test
    void aDetectionHoldingARegularBoxStopsAtIgnoredOnes() {
        // The detection overlaps a person with IoU 0.64 and a crowd region with IoU 1. Regular boxes are tried
        // first; once it holds the person it stops at the crowd (pycocotools' break), so it is a true positive at
        // thresholds up to 0.6 and AP50 = 1. Without the break it would take the crowd (higher IoU) and be ignored.
        Gt gt = new Gt(1).box(1, 1, 0, 0, 10, 10).box(1, 1, 0, 0, 10, 8, 80, true);
        CocoMetrics m = eval(gt, det(1, 1, 0, 0, 10, 6.4, 0.9));
        assertEquals(0.64, BoxIou.iou(0, 0, 10, 6.4, 0, 0, 10, 10, false), 1e-12);
        assertEquals(1.0, m.get("AP50"), TOL);
    }

    @Test
    void precisionIsMadeMonotoneAndSampledAtTheFirstRecallReachingEachPoint() {
        // Two objects; detections by score: a miss, then both hits. tp = 0,1,2; fp = 1,1,1;
        // recall = 0, .5, 1; precision = 0, 1/2, 2/3 -> from the right: 2/3, 2/3, 2/3. Every recall point reads 2/3.
        CocoMetrics m = eval(new Gt(1).box(1, 1, 0, 0, 10, 10).box(1, 1, 50, 50, 10, 10),
                det(1, 1, 100, 100, 10, 10, 0.9), det(1, 1, 0, 0, 10, 10, 0.8), det(1, 1, 50, 50, 10, 10, 0.7));
        assertEquals(2.0 / 3.0, m.get("AP"), 1e-12);
        // A category without ground truth gives -1 and is left out of the mean: category 2's detection changes nothing.
        CocoMetrics withStray = eval(new Gt(1).box(1, 1, 0, 0, 10, 10).box(1, 1, 50, 50, 10, 10),
                det(1, 1, 100, 100, 10, 10, 0.9), det(1, 1, 0, 0, 10, 10, 0.8), det(1, 1, 50, 50, 10, 10, 0.7),
                det(1, 2, 0, 0, 10, 10, 0.99));
        assertEquals(-1.0, withStray.perClass().get(2).ap(), 0.0);
        assertEquals(m.get("AP"), withStray.get("AP"), 0.0);
    }

    @Test
    void tiedScoresAcrossImagesKeepAscendingImageId() {
        // Image 1: a miss at score .5; image 2: a hit at score .5; both images have one object.
        // Sorted (ties by image id): miss, hit -> precision 0, 1/2 -> envelope 1/2 up to recall 1/2:
        // 51 of 101 recall points (0, .01, ..., .5) read 1/2 -> AP = 25.5/101.
        Gt gt = new Gt(2).box(1, 1, 0, 0, 10, 10).box(2, 1, 0, 0, 10, 10);
        CocoMetrics m = eval(gt, det(2, 1, 0, 0, 10, 10, 0.5), det(1, 1, 100, 100, 10, 10, 0.5));
        assertEquals(25.5 / 101, m.get("AP50"), 1e-12);
        // The hit on image 1 instead: hit first -> precision 1 up to recall 1/2 -> AP = 51/101.
        CocoMetrics swapped = eval(gt, det(2, 1, 100, 100, 10, 10, 0.5), det(1, 1, 0, 0, 10, 10, 0.5));
        assertEquals(51.0 / 101, swapped.get("AP50"), 1e-12);
    }

    @Test
    void tiedScoresWithinAnImageKeepFileOrder() {
        // Two detections of one object with equal scores: A (IoU 0.6) first in the file takes it at thresholds
        // 0.5-0.6 and B (IoU 0.95) is then a false positive; at 0.65-0.95 only B matches. Swapping the file
        // order gives B the object at every threshold.
        Gt gt = new Gt(1).box(1, 1, 0, 0, 10, 10);
        Detection a = det(1, 1, 0, 0, 10, 6, 0.5);
        Detection b = det(1, 1, 0, 0, 10, 9.5, 0.5);
        double aFirst = eval(gt, a, b).get("AP");
        double bFirst = eval(gt, b, a).get("AP");
        assertEquals(1.0, bFirst, TOL);
        // A first: at t = .5, .55, .6 (numpy's third threshold is exactly 0.6) the sequence is hit, miss -> AP 1;
        // at .65 ... .95 it is miss, hit -> precision 0, 1/2 -> 1/2 at every recall point; mean = (3 + 7 / 2) / 10.
        assertEquals((3 + 7 * 0.5) / 10, aFirst, 1e-12);
    }

    @Test
    void detectionsOnUnknownImagesAreRejectedAndUnknownCategoriesDropped() {
        Gt gt = new Gt(1).box(1, 1, 0, 0, 10, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval(gt, det(7, 1, 0, 0, 10, 10, 0.9)));
        assertTrue(e.getMessage().contains("image 7, which is not in the ground truth"), e.getMessage());
        assertEquals(1.0, eval(gt, det(1, 1, 0, 0, 10, 10, 0.9), det(1, 99, 0, 0, 10, 10, 0.99)).get("AP"), TOL);
        CocoMetrics empty = eval(gt);
        assertEquals(0.0, empty.get("AP"), 0.0);
        assertEquals(0.0, empty.get("AR100"), 0.0);
        assertEquals(-1.0, empty.get("APl"), 0.0);
    }

    @Test
    void ignoreIsOverwrittenByIscrowdAndGroundTruthIdZeroNeverCountsAsMatched() throws Exception {
        // "ignore": 1 on a regular box is overwritten by iscrowd = 0: the box counts.
        String json = """
                {"images": [{"id": 1, "file_name": "1.jpg", "width": 100, "height": 100}],
                 "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100,
                                  "iscrowd": 0, "ignore": 1}],
                 "categories": [{"id": 1, "name": "a"}]}""";
        CocoInstances raw = CocoJsonReader.readInstances(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "gt.json");
        EvalGroundTruth gt = EvalGroundTruth.of(raw);
        DetectionTable hit = DetectionTable.of(List.of(det(1, 1, 0, 0, 10, 10, 0.9)));
        assertEquals(1.0, new CocoEvaluator().evaluate(gt, hit, false).get("AP"), TOL);
        // pycocotools records a match as the ground truth's id and tests it for being non-zero: a box with id 0
        // is found but its detection still counts as a false positive.
        EvalGroundTruth idZero = EvalGroundTruth.of(new CocoInstances(raw.images(),
                List.of(new CocoAnnotation(0, 1, 1, new BBox(0, 0, 10, 10), 100, false)), raw.categories()));
        assertEquals(0.0, new CocoEvaluator().evaluate(idZero, hit, false).get("AP"), TOL);
    }
}

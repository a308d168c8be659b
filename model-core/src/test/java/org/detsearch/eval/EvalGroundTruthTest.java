package org.detsearch.eval;

import org.detsearch.coco.BBox;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.Detection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ground truth as pycocotools indexes it: files it accepts with repeated ids give its numbers. */
class EvalGroundTruthTest {
    private static final List<CocoCategory> CATEGORIES = List.of(new CocoCategory(1, "a", ""));

    private static CocoImage image(long id) {
        return new CocoImage(id, id + ".jpg", 200, 200);
    }

    private static CocoAnnotation box(long id, long image, double x, double y) {
        return new CocoAnnotation(id, image, 1, new BBox(x, y, 10, 10), 100, false);
    }

    private static DetectionTable dets(Detection... detections) {
        return DetectionTable.of(List.of(detections));
    }

    @Test
    void aRepeatedAnnotationIdIsEvaluatedAsTheLastAnnotationWithThatId() {
        // Annotations A (id 7, image 1) and B (id 7, image 2). pycocotools lists ids by image (7, 7) and looks them
        // up in a dict by id, where B has replaced A: image 2 gets B twice, image 1 gets nothing. The detection on
        // A's box (score .9) is then a false positive and the one on B's box (.8) a true positive of 2 countable
        // boxes: recall 0, 1/2; precision 0, 1/2 -> 1/2 at the 51 recall points 0 .. 0.5, 0 beyond, at every
        // threshold: AP = 25.5 / 101, AR100 = 1/2. Read as two distinct boxes, both would be found (AP ~ 1).
        EvalGroundTruth gt = EvalGroundTruth.of(new CocoInstances(List.of(image(1), image(2)),
                List.of(box(7, 1, 0, 0), box(7, 2, 50, 50)), CATEGORIES));
        assertEquals(1, gt.repeatedIds());
        assertEquals(List.of(2L, 2L), gt.annotations().stream().map(CocoAnnotation::imageId).toList());
        CocoMetrics m = new CocoEvaluator().evaluate(gt, dets(new Detection(1, 1, new BBox(0, 0, 10, 10), 0.9),
                new Detection(2, 1, new BBox(50, 50, 10, 10), 0.8)), true);
        assertEquals(25.5 / 101, m.get("AP"), 1e-12);
        assertEquals(0.5, m.get("AR100"), 1e-12);
        assertEquals(2, m.perClass().get(1).numGt());
    }

    @Test
    void evaluationOrderIsAscendingImageIdThenFileOrder() {
        // getAnnIds walks the sorted image ids and each image's annotations in file order.
        EvalGroundTruth gt = EvalGroundTruth.of(new CocoInstances(List.of(image(9), image(3)),
                List.of(box(1, 9, 0, 0), box(2, 3, 0, 0), box(3, 9, 50, 50), box(4, 3, 50, 50), box(5, 404, 0, 0)),
                CATEGORIES));
        assertEquals(List.of(2L, 4L, 1L, 3L), gt.annotations().stream().map(CocoAnnotation::id).toList(),
                "annotation 5 is on an image the file does not list: left out");
        assertEquals(0, gt.repeatedIds());
    }

    @Test
    void imagesAndCategoriesListedTwiceCountOnce() {
        // COCOeval takes np.unique of the image and category ids; a category's name is its last entry's.
        List<CocoImage> images = List.of(image(1), image(1));
        List<CocoCategory> categories = List.of(new CocoCategory(1, "first", ""), new CocoCategory(1, "second", ""));
        EvalGroundTruth gt = EvalGroundTruth.of(new CocoInstances(images, List.of(box(1, 1, 0, 0)), categories));
        assertEquals(1, gt.index().images());
        assertEquals(1, gt.index().categories());
        CocoMetrics m = new CocoEvaluator().evaluate(gt, dets(new Detection(1, 1, new BBox(0, 0, 10, 10), 0.9)), true);
        assertEquals(1.0, m.get("AP"), 1e-12);
        assertEquals("second", m.perClass().get(1).name());
    }
}

package org.detsearch.coco;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.detsearch.coco.ValidationProblem.BOX_CLIPPED;
import static org.detsearch.coco.ValidationProblem.BOX_OUTSIDE_IMAGE;
import static org.detsearch.coco.ValidationProblem.BOX_PARTLY_OUTSIDE_REJECTED;
import static org.detsearch.coco.ValidationProblem.DUPLICATE_ANNOTATION_ID;
import static org.detsearch.coco.ValidationProblem.DUPLICATE_CATEGORY_ID;
import static org.detsearch.coco.ValidationProblem.DUPLICATE_IMAGE_ID;
import static org.detsearch.coco.ValidationProblem.INVALID_IMAGE_SIZE;
import static org.detsearch.coco.ValidationProblem.NON_FINITE_BOX;
import static org.detsearch.coco.ValidationProblem.NON_POSITIVE_BOX_SIZE;
import static org.detsearch.coco.ValidationProblem.UNKNOWN_CATEGORY_ID;
import static org.detsearch.coco.ValidationProblem.UNKNOWN_IMAGE_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CocoValidatorTest {
    private static final CocoValidator CLIP = new CocoValidator(ValidationPolicy.DEFAULT);
    private static final CocoValidator REJECT =
            new CocoValidator(new ValidationPolicy(ValidationPolicy.PartlyOutside.REJECT, 5));

    /** A 640x480 image (id 9), a 100x50 image (id 10), categories 1 and 18; {@code %s} is the annotation list. */
    private static final String TWO_IMAGES = """
            {"images": [{"id": 9, "file_name": "a.jpg", "width": 640, "height": 480},
                        {"id": 10, "file_name": "b.jpg", "width": 100, "height": 50}],
             "annotations": [%s],
             "categories": [{"id": 1, "name": "person"}, {"id": 18, "name": "dog"}]}
            """;

    @Test
    void coco128IsCleanAndKeptWhole() throws IOException {
        Path file = SharedTestData.coco128Instances();
        CocoInstances coco;
        try (InputStream in = Files.newInputStream(file)) {
            coco = CocoJsonReader.readInstances(in, "instances.json");
        }

        ValidatedDataset result = CLIP.validate(coco);

        assertTrue(result.report().isClean(), result.report().summary());
        assertEquals(128, result.dataset().images().size());
        assertEquals(939, result.dataset().annotations().size());
        assertEquals(80, result.dataset().labelMap().numClasses());
        assertEquals(2, result.dataset().images().stream().filter(i -> result.dataset().annotationsOf(i.id()).isEmpty()).count(),
                "two coco128 images have no annotations");
    }

    @Test
    void aBoxWithNegativeWidthIsDroppedAndCounted() throws IOException {
        ValidatedDataset result = CLIP.validate(instances(
                annotation(1, 9, 1, "[10, 20, 30, 40]"),
                annotation(2, 9, 1, "[10, 20, -5, 40]"),
                annotation(3, 9, 1, "[10, 20, 30, 0]")));

        assertEquals(List.of(1L), annotationIds(result));
        assertEquals(2, result.report().count(NON_POSITIVE_BOX_SIZE));
        assertEquals(List.of(new ValidationReport.Example(2, "bbox [10, 20, -5, 40] (640x480 image 9)"),
                        new ValidationReport.Example(3, "bbox [10, 20, 30, 0] (640x480 image 9)")),
                result.report().examples(NON_POSITIVE_BOX_SIZE));
    }

    @Test
    void aBoxBeyondTheRangeOfDoublesIsNotFinite() throws IOException {
        ValidatedDataset result = CLIP.validate(instances(annotation(1, 9, 1, "[1e999, 20, 30, 40]")));

        assertEquals(List.of(new ValidationReport.Example(1, "bbox [Infinity, 20, 30, 40] (640x480 image 9)")),
                result.report().examples(NON_FINITE_BOX));
        assertTrue(result.dataset().annotations().isEmpty());
    }

    @Test
    void anAnnotationOfAnUnknownCategoryIsDroppedAndCounted() throws IOException {
        ValidatedDataset result = CLIP.validate(instances(
                annotation(1, 9, 18, "[10, 20, 30, 40]"),
                annotation(2, 9, 12, "[10, 20, 30, 40]")));

        assertEquals(List.of(1L), annotationIds(result));
        assertEquals(List.of(new ValidationReport.Example(2, "category 12 is not in the categories (image 9)")),
                result.report().examples(UNKNOWN_CATEGORY_ID));
    }

    @Test
    void anAnnotationOfAnUnknownImageIsDroppedAndCounted() throws IOException {
        ValidatedDataset result = CLIP.validate(instances(
                annotation(1, 9, 1, "[10, 20, 30, 40]"),
                annotation(2, 11, 1, "[10, 20, 30, 40]")));

        assertEquals(List.of(1L), annotationIds(result));
        assertEquals(List.of(new ValidationReport.Example(2, "image 11 is not in the images")),
                result.report().examples(UNKNOWN_IMAGE_ID));
    }

    @Test
    void laterDuplicatesOfImageAnnotationAndCategoryIdsAreDroppedAndCounted() throws IOException {
        CocoInstances coco = read("""
                {"images": [{"id": 9, "file_name": "a.jpg", "width": 640, "height": 480},
                            {"id": 9, "file_name": "copy-of-a.jpg", "width": 320, "height": 240}],
                 "annotations": [{"id": 1, "image_id": 9, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12},
                                 {"id": 2, "image_id": 9, "category_id": 1, "bbox": [5, 6, 7, 8], "area": 56},
                                 {"id": 1, "image_id": 9, "category_id": 1, "bbox": [9, 9, 9, 9], "area": 81}],
                 "categories": [{"id": 1, "name": "person"}, {"id": 1, "name": "human"}]}
                """);

        ValidatedDataset result = CLIP.validate(coco);

        assertEquals(List.of(new CocoImage(9, "a.jpg", 640, 480)), result.dataset().images());
        assertEquals(List.of(new CocoCategory(1, "person", "")), result.dataset().categories());
        assertEquals(List.of(new BBox(1, 2, 3, 4), new BBox(5, 6, 7, 8)),
                result.dataset().annotations().stream().map(CocoAnnotation::bbox).toList());
        assertEquals(List.of(new ValidationReport.Example(9, "copy-of-a.jpg repeats the id of a.jpg")),
                result.report().examples(DUPLICATE_IMAGE_ID));
        assertEquals(List.of(new ValidationReport.Example(1, "image 9")), result.report().examples(DUPLICATE_ANNOTATION_ID));
        assertEquals(List.of(new ValidationReport.Example(1, "'human' repeats the id of 'person'")),
                result.report().examples(DUPLICATE_CATEGORY_ID));
        assertEquals(3, result.report().total());
    }

    @Test
    void aBoxPartlyOutsideIsClippedOrRejectedPerPolicyAndCountedEitherWay() throws IOException {
        CocoInstances coco = instances(
                annotation(1, 10, 1, "[80, -10, 30, 40]"),
                annotation(2, 10, 1, "[10, 10, 20, 20]"));

        ValidatedDataset clipped = CLIP.validate(coco);
        ValidatedDataset rejected = REJECT.validate(coco);

        assertEquals(List.of(new BBox(80, 0, 20, 30), new BBox(10, 10, 20, 20)),
                clipped.dataset().annotations().stream().map(CocoAnnotation::bbox).toList());
        assertEquals(List.of(new ValidationReport.Example(1, "bbox [80, -10, 30, 40] clipped to [80, 0, 20, 30] (100x50 image 10)")),
                clipped.report().examples(BOX_CLIPPED));
        assertEquals(1200, clipped.dataset().annotations().get(0).area(), "area is the segmentation's and stays");

        assertEquals(List.of(2L), annotationIds(rejected));
        assertEquals(List.of(new ValidationReport.Example(1, "bbox [80, -10, 30, 40] crosses the border (100x50 image 10)")),
                rejected.report().examples(BOX_PARTLY_OUTSIDE_REJECTED));
        assertEquals(0, rejected.report().count(BOX_CLIPPED));
    }

    @Test
    void aBoxEntirelyOutsideIsDroppedUnderEitherPolicy() throws IOException {
        CocoInstances coco = instances(
                annotation(1, 10, 1, "[100, 10, 5, 5]"),
                annotation(2, 10, 1, "[0, 0, 100, 50]"));

        for (CocoValidator validator : List.of(CLIP, REJECT)) {
            ValidatedDataset result = validator.validate(coco);
            assertEquals(List.of(2L), annotationIds(result), "a box touching the border from inside stays");
            assertEquals(List.of(new ValidationReport.Example(1, "bbox [100, 10, 5, 5] lies outside (100x50 image 10)")),
                    result.report().examples(BOX_OUTSIDE_IMAGE));
            assertEquals(1, result.report().total());
        }
    }

    @Test
    void anImageWithoutASizeIsDroppedWithItsAnnotations() throws IOException {
        CocoInstances coco = read("""
                {"images": [{"id": 9, "file_name": "a.jpg", "width": 0, "height": 480}],
                 "annotations": [{"id": 1, "image_id": 9, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12}],
                 "categories": [{"id": 1, "name": "person"}]}
                """);

        ValidatedDataset result = CLIP.validate(coco);

        assertTrue(result.dataset().images().isEmpty());
        assertTrue(result.dataset().annotations().isEmpty());
        assertEquals(List.of(new ValidationReport.Example(9, "a.jpg has size 0x480")), result.report().examples(INVALID_IMAGE_SIZE));
        assertEquals(List.of(new ValidationReport.Example(1, "image 9 was dropped (invalid-image-size)")),
                result.report().examples(UNKNOWN_IMAGE_ID));
    }

    @Test
    void eachProblemIsCountedInFullButQuotedOnlyUpToTheLimit() throws IOException {
        String[] unknownCategory = new String[12];
        for (int i = 0; i < unknownCategory.length; i++) {
            unknownCategory[i] = annotation(i + 1, 9, 99, "[1, 1, 1, 1]");
        }
        CocoValidator quotingTwo = new CocoValidator(new ValidationPolicy(ValidationPolicy.PartlyOutside.CLIP, 2));

        ValidationReport report = quotingTwo.validate(instances(unknownCategory)).report();

        assertEquals(12, report.count(UNKNOWN_CATEGORY_ID));
        assertEquals(List.of(1L, 2L), report.examples(UNKNOWN_CATEGORY_ID).stream().map(ValidationReport.Example::id).toList());
    }

    @Test
    void eachAnnotationIsCountedOnceUnderItsFirstProblem() throws IOException {
        ValidationReport report = CLIP.validate(instances(annotation(1, 11, 99, "[-5, 0, -1, 0]"))).report();

        assertEquals(1, report.total());
        assertEquals(1, report.count(UNKNOWN_IMAGE_ID));
    }

    private static List<Long> annotationIds(ValidatedDataset result) {
        return result.dataset().annotations().stream().map(CocoAnnotation::id).toList();
    }

    private static String annotation(long id, long imageId, int categoryId, String bbox) {
        return "{\"id\": " + id + ", \"image_id\": " + imageId + ", \"category_id\": " + categoryId
                + ", \"bbox\": " + bbox + ", \"area\": 1200, \"iscrowd\": 0}";
    }

    private static CocoInstances instances(String... annotations) throws IOException {
        return read(TWO_IMAGES.formatted(String.join(",\n", annotations)));
    }

    private static CocoInstances read(String json) throws IOException {
        return CocoJsonReader.readInstances(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "instances.json");
    }
}

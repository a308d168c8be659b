package org.detsearch.coco;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.detsearch.coco.ValidationProblem.BOX_CLIPPED;
import static org.detsearch.coco.ValidationProblem.MISSING_IMAGE;
import static org.detsearch.coco.ValidationProblem.UNDECODABLE_IMAGE;
import static org.detsearch.coco.ValidationProblem.UNKNOWN_CATEGORY_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationReportTest {
    private static ValidationReport validationProblems() {
        return ValidationReport.builder(2)
                .add(UNKNOWN_CATEGORY_ID, 17, "category 12 is not in the categories (image 9)")
                .add(UNKNOWN_CATEGORY_ID, 18, "category 12 is not in the categories (image 9)")
                .add(UNKNOWN_CATEGORY_ID, 19, "category 26 is not in the categories (image 30)")
                .add(BOX_CLIPPED, 5, "bbox [80, -10, 30, 40] clipped to [80, 0, 20, 30] (100x50 image 10)")
                .build();
    }

    @Test
    void aCleanReportSaysSo() {
        ValidationReport clean = ValidationReport.builder(5).build();

        assertTrue(clean.isClean());
        assertEquals("validation: no problems", clean.summary());
    }

    @Test
    void theSummaryGivesCountsEffectsAndExamples() {
        assertEquals("""
                validation: 4 problems
                  unknown-category-id: 3 annotations dropped
                    annotation 17: category 12 is not in the categories (image 9)
                    annotation 18: category 12 is not in the categories (image 9)
                    ... and 1 more
                  box-clipped: 1 annotation kept with the box clipped to the image
                    annotation 5: bbox [80, -10, 30, 40] clipped to [80, 0, 20, 30] (100x50 image 10)""",
                validationProblems().summary());
    }

    @Test
    void asAMapItSerializesToJsonForAManifest() throws IOException {
        String json = new ObjectMapper().writeValueAsString(
                ValidationReport.builder(5).add(MISSING_IMAGE, 9, "images/a.jpg does not exist").build().toMap());

        assertEquals("{\"total\":1,\"problems\":{\"missing-image\":{\"count\":1,\"subject\":\"image\",\"effect\":\"skipped\","
                + "\"examples\":[{\"id\":9,\"detail\":\"images/a.jpg does not exist\"}]}}}", json);
    }

    @Test
    void prepareTimeImageProblemsAreAddedToTheValidationReport() {
        ValidationReport images = ValidationReport.builder(2)
                .add(MISSING_IMAGE, 9, "images/a.jpg does not exist")
                .add(UNDECODABLE_IMAGE, 10, "images/b.jpg: not a JPEG")
                .add(UNKNOWN_CATEGORY_ID, 20, "category 26 is not in the categories (image 31)")
                .build();

        ValidationReport all = validationProblems().plus(images);

        assertEquals(7, all.total());
        assertEquals(4, all.count(UNKNOWN_CATEGORY_ID));
        assertEquals(2, all.examples(UNKNOWN_CATEGORY_ID).size(), "examples stay within the limit");
        assertEquals(1, all.count(MISSING_IMAGE));
        assertEquals(1, all.count(UNDECODABLE_IMAGE));
        assertEquals(10, all.examples(UNDECODABLE_IMAGE).get(0).id());
    }

    @Test
    void itTravelsBetweenJvmsAsSparkTasksSendIt() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(validationProblems());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(validationProblems().summary(), ((ValidationReport) in.readObject()).summary());
        }
    }
}

package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.coco.SharedTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code detsearch evaluate} on a reference case: pycocotools' table, its numbers in JSON, and its failures. */
class EvaluateCommandTest {
    @Test
    void printsThePycocotoolsTableAndWritesTheMetrics(@TempDir Path tmp) throws Exception {
        Path dir = SharedTestData.root().resolve("eval-cases/case_01_basic_noncontiguous");
        CliRunner run = CliRunner.run("evaluate", "--gt", dir.resolve("gt.json").toString(),
                "--dets", dir.resolve("dets.json").toString(), "--json", tmp.resolve("m.json").toString(), "--per-class");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("""
                 Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.389
                 Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.712
                """), run.out());
        assertTrue(run.out().contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.311"), run.out());
        JsonNode metrics = new ObjectMapper().readTree(tmp.resolve("m.json").toFile());
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        assertEquals(expected.get("AP").asDouble(), metrics.get("AP").asDouble(), 1e-9);
        assertEquals(expected.at("/per_class/1/AP").asDouble(), metrics.at("/per_class/1/AP").asDouble(), 1e-9);
        assertEquals("person", metrics.at("/per_class/1/name").asText());
    }

    @Test
    void detectionsOnImagesMissingFromTheGroundTruthFailTheJob(@TempDir Path tmp) throws Exception {
        Path dir = SharedTestData.root().resolve("eval-cases/case_01_basic_noncontiguous");
        Path dets = tmp.resolve("dets.json");
        Files.writeString(dets, "[{\"image_id\": 987654321, \"category_id\": 1, \"bbox\": [0, 0, 5, 5], \"score\": 0.5}]");
        CliRunner run = CliRunner.run("evaluate", "--gt", dir.resolve("gt.json").toString(), "--dets", dets.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("image 987654321, which is not in the ground truth"), run.err());
        assertFalse(run.err().contains("\tat org.detsearch"), "no stack trace unless asked: " + run.err());
        run = CliRunner.run("evaluate", "--gt", dir.resolve("gt.json").toString(), "--dets", dets.toString(), "--verbose");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("\tat org.detsearch"), "--verbose prints the stack trace: " + run.err());

        run = CliRunner.run("evaluate", "--dets", dets.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--dets needs --gt"), run.err());

        run = CliRunner.run("evaluate", "--gt", dir.resolve("gt.json").toString(), "--dets", dets.toString(), "--spark", "--tasks", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--tasks must be at least 1, not 0"), run.err());
    }

    @Test
    void acceptsWhatPycocotoolsAcceptsAndSaysWhenIdsRepeat(@TempDir Path tmp) throws Exception {
        // Image 1 listed twice (pycocotools keeps one) and annotation id 7 on both images: pycocotools evaluates both
        // occurrences as the last one (image 2), so the detection on image 1 is a false positive ahead of the true
        // positive on image 2, of 2 countable boxes: AP = (51 * 1/2) / 101 = 0.252..., AR100 = 0.5.
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, """
                {"images": [{"id": 1, "file_name": "1.jpg", "width": 99, "height": 99},
                            {"id": 2, "file_name": "2.jpg", "width": 99, "height": 99},
                            {"id": 1, "file_name": "1.jpg", "width": 99, "height": 99}],
                 "annotations": [{"id": 7, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0},
                                 {"id": 7, "image_id": 2, "category_id": 3, "bbox": [50, 50, 10, 10], "area": 100, "iscrowd": 0}],
                 "categories": [{"id": 3, "name": "c"}]}""");
        Path dets = tmp.resolve("dets.json");
        Files.writeString(dets, """
                [{"image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "score": 0.9},
                 {"image_id": 2, "category_id": 3, "bbox": [50, 50, 10, 10], "score": 0.8}]""");
        CliRunner run = CliRunner.run("evaluate", "--gt", gt.toString(), "--dets", dets.toString(),
                "--json", tmp.resolve("m.json").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("1 annotations share their id with a later one"), run.out());
        assertTrue(run.out().contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.252"), run.out());
        JsonNode metrics = new ObjectMapper().readTree(tmp.resolve("m.json").toFile());
        assertEquals(25.5 / 101, metrics.get("AP").asDouble(), 1e-12);
        assertEquals(0.5, metrics.get("AR100").asDouble(), 1e-12);
    }
}

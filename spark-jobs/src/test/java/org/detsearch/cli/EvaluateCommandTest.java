package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.coco.SharedTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

        run = CliRunner.run("evaluate", "--dets", dets.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing required option: '--gt=JSON'"), run.err());
    }
}

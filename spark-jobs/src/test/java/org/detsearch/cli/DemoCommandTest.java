package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detsearch demo} end to end with its settings shrunk (a few images, a tiny model, one epoch): every stage
 * runs and the paths it prints hold what it says. The full-size demo's time and AP50 are measured by hand (README).
 */
class DemoCommandTest {
    @Test
    void runsEveryStageAndPrintsWhereTheMetricsAre(@TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("demo");
        CliRunner run = CliRunner.run("demo", "--output", work.toString(), "--epochs", "1",
                "-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false",
                "-Ddemo.generate.train-images=8", "-Ddemo.generate.val-images=4",
                "-Ddemo.train.batch-size=2", "-Ddemo.train.model.width=0.125", "-Ddemo.train.model.fpn-channels=16",
                "-Ddemo.train.model.head-depth=1");
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        for (String stage : List.of("demo: 1/4 generating", "demo: 2/4 preparing", "demo: 3/4 training data-parallel on Spark (local[2])",
                "demo: 4/4 evaluating", " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = ")) {
            assertTrue(out.contains(stage), stage + " in\n" + out);
        }
        Path metricsFile = work.resolve("eval/metrics.json");
        assertTrue(out.contains("metrics file:" + metricsFile), out);
        JsonNode metrics = new ObjectMapper().readTree(metricsFile.toFile());
        double ap50 = metrics.get("AP50").asDouble();
        assertTrue(out.contains(String.format("demo: AP50 on the held-out split: %.3f", ap50)), out);
        assertTrue(metrics.get("per_class").size() > 0, "per-class numbers: " + metrics);
        for (String file : List.of("dataset/train/instances.json", "dataset/val/instances.json", "shards/train/manifest.json",
                "shards/val/manifest.json", "run/model.zip", "run/loss-curve.png", "run/history.csv", "eval/detections.json")) {
            assertTrue(Files.size(work.resolve(file)) > 0, file);
        }
    }
}

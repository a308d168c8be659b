package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench commands that read shards (spark, loader, sweep) run once at a tiny size on one generated dataset, as a
 * user runs them: exit code 0, a JSON result with positive numbers, one more row in the table. Nothing here is timed
 * against a limit; the numbers only have to be real.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BenchShardCommandsTest {
    @TempDir
    static Path tmp;

    @Test
    void sparkLoaderAndSweepRunOnGeneratedShards() throws Exception {
        BenchRunner run = new BenchRunner(tmp.resolve("BENCHMARKS.md"));
        Path work = tmp.resolve("work");
        JsonNode spark = run.bench("spark", tmp.resolve("spark.json"), "--work", work.toString(), "--images", "4", "--batch", "2",
                "--epochs", "1", "--masters", "local[1]", "--averaging", "2", BenchRunner.LOCAL_SPARK[1]);
        assertTrue(spark.at("/results/singleJvm/imagesPerSecond").asDouble() > 0, spark.toString());
        JsonNode local1 = spark.at("/results/spark/0");
        assertEquals("local[1]", local1.get("master").asText());
        assertEquals(1, local1.get("workers").asInt());
        assertTrue(local1.get("imagesPerSecond").asDouble() > 0 && local1.get("ratioToSingleJvm").asDouble() > 0, local1.toString());
        assertTrue(spark.get("goalMet").isBoolean(), "local[1] was measured: " + spark);

        // the same 4 + 4 images of 128 px, read again; compared with a tiny training result at the same size
        Path trainTiny = tmp.resolve("loader-train.json");
        Files.writeString(trainTiny, "{\"parameters\": {\"imageSize\": 128}, \"results\": {\"imagesPerSecond\": 0.5}}");
        JsonNode loader = run.bench("loader", tmp.resolve("loader.json"), "--work", work.toString(), "--images", "4",
                "--source-size", "128", "--model", "tiny", "--train-json", trainTiny.toString(), BenchRunner.LOCAL_SPARK[1]);
        assertEquals(4, loader.at("/parameters/images").asInt());
        assertTrue(loader.at("/results/imagesPerSecondPerCore").asDouble() > 0, loader.toString());
        assertEquals(loader.at("/results/imagesPerSecondPerCore").asDouble() / 0.5, loader.at("/results/headroom").asDouble(), 1e-9);
        assertTrue(loader.get("goalMet").isBoolean(), loader.toString());

        JsonNode sweep = run.bench("sweep", tmp.resolve("sweep.json"), "--work", work.toString(), "--images", "4",
                BenchRunner.LOCAL_SPARK[0], BenchRunner.LOCAL_SPARK[1]);
        assertEquals(2, sweep.at("/results/trials").size(), sweep.toString());
        for (JsonNode trial : sweep.at("/results/trials")) {
            assertTrue(trial.get("trainSeconds").asDouble() > 0 && trial.get("totalSeconds").asDouble() > trial.get("trainSeconds").asDouble(),
                    trial.toString());
        }
        double overhead = sweep.at("/results/overheadShare").asDouble();
        assertTrue(overhead > 0 && overhead < 1, sweep.toString());
        assertTrue(Files.isRegularFile(work.resolve("bench-sweep.conf")), "the built-in sweep is written for the user to read");
    }
}

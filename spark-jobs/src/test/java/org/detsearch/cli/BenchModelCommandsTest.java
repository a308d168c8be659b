package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench commands of this machine and of models (gemm, conv, train) run once at a tiny size as a user runs them:
 * exit code 0, a JSON result with positive numbers, one more row in the table; bad usage refused. Nothing here is
 * timed against a limit; the numbers only have to be real.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BenchModelCommandsTest {
    @TempDir
    static Path tmp;
    private static BenchRunner run;
    private static Path gemmJson;

    @BeforeAll
    static void measureTheGemmPeak() throws Exception {
        run = new BenchRunner(tmp.resolve("BENCHMARKS.md"));
        gemmJson = tmp.resolve("gemm.json");
        JsonNode gemm = run.bench("gemm", gemmJson, "--sizes", "32,64", "--warmup", "1", "--repeats", "2");
        assertTrue(gemm.at("/results/peakGflops").asDouble() > 0, gemm.toString());
        assertEquals(64, gemm.at("/results/sizes/1/size").asInt());
        assertTrue(gemm.at("/results/sizes/0/bestSeconds").asDouble() > 0, gemm.toString());
    }

    @Test
    void convTimesEveryShapeForwardAndBackward() throws Exception {
        JsonNode conv = run.bench("conv", tmp.resolve("conv.json"), "--scale", "0.0625", "--batch", "1", "--warmup", "0", "--repeats", "1");
        assertEquals(10, conv.at("/results/shapes").size(), "5 shapes, each by DL4J and by the products");
        for (JsonNode shape : conv.at("/results/shapes")) {
            assertTrue(shape.get("multiplyAdds").asLong() > 0 && shape.get("forwardGflops").asDouble() > 0
                    && shape.get("trainingGflops").asDouble() > 0, shape.toString());
        }
        assertEquals(32, conv.at("/results/shapes/0/shape/size").asInt(), "the 512 px stem at 1/16");
        assertEquals("DL4J", conv.at("/results/shapes/0/implementation").asText());
        assertEquals("PRODUCTS", conv.at("/results/shapes/1/implementation").asText());
        assertEquals(conv.at("/results/shapes/0/multiplyAdds").asLong(), conv.at("/results/shapes/1/multiplyAdds").asLong());
        for (String implementation : new String[] {"dl4j", "products"}) {
            assertTrue(conv.at("/results/" + implementation + "/overallTrainingGflops").asDouble() > 0, conv.toString());
        }
    }

    @Test
    void trainTimesTheTinyDetectorAndComparesTheSupernetWithItsBackbone() throws Exception {
        JsonNode tiny = run.bench("train", tmp.resolve("train-tiny.json"), "--model", "tiny", "--batch", "1", "--steps", "2",
                "--gemm-json", gemmJson.toString());
        assertEquals(128, tiny.at("/parameters/imageSize").asInt(), "the demo's input");
        assertEquals(2, tiny.at("/results/stepSeconds").size());
        for (String key : new String[] {"imagesPerSecond", "trainingGflops", "shareOfGemmPeak", "multiplyAddsPerImage", "trainableParams"}) {
            assertTrue(tiny.at("/results/" + key).asDouble() > 0, key + ": " + tiny);
        }
        assertEquals(gemmJson.toString(), tiny.at("/results/gemmPeakSource").asText());

        Path plain = tmp.resolve("train-resnet50.json");
        JsonNode resnet = run.bench("train", plain, "--model", "resnet50", "--image-size", "32", "--batch", "1", "--steps", "1",
                "--gemm-json", gemmJson.toString());
        assertEquals(23_534_592L, resnet.at("/results/trainableParams").asLong(), "Keras' ResNet50 without its classifier");
        assertTrue(resnet.get("goalMet").isNull(), "the 30% goal is judged at 512 px only");
        JsonNode supernet = run.bench("train", tmp.resolve("train-nats.json"), "--model", "nats-resnet50", "--image-size", "32",
                "--batch", "1", "--steps", "1", "--gemm-json", gemmJson.toString(), "--baseline-json", plain.toString());
        double floor = supernet.at("/results/multiplyAddRatioToResnet50").asDouble();
        assertTrue(floor > 1.5, "every candidate dilation is computed: " + supernet);
        assertTrue(supernet.at("/results/stepRatioToResnet50").asDouble() > 0, supernet.toString());
        assertTrue(supernet.get("goalMet").isBoolean(), supernet.toString());
    }

    @Test
    void badUsageIsRefusedBeforeAnythingRuns() {
        CliRunner unknown = CliRunner.run("bench", "train", "--model", "vgg16", "--log", run.table().toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown model 'vgg16'; known: resnet50, nats-resnet50, retinanet-r50"), unknown.err());
        CliRunner steps = CliRunner.run("bench", "train", "--model", "tiny", "--steps", "0", "--log", run.table().toString());
        assertEquals(2, steps.exitCode());
        assertTrue(steps.err().contains("steps >= 1"), steps.err());
        CliRunner sizes = CliRunner.run("bench", "gemm", "--sizes", "0", "--log", run.table().toString());
        assertEquals(2, sizes.exitCode());
        assertTrue(sizes.err().contains("need sizes >= 1"), sizes.err());
        CliRunner backbone = CliRunner.run("bench", "loader", "--model", "resnet50", "--log", run.table().toString());
        assertEquals(2, backbone.exitCode());
        assertTrue(backbone.err().contains("resnet50 is a backbone, not a detector"), backbone.err());
    }
}

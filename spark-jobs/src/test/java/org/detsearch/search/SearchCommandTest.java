package org.detsearch.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.cli.CliRunner;
import org.detsearch.nats.Genotype;
import org.detsearch.testing.CliProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detsearch search} and {@code retrain} as a user runs them, on a tiny supernet on local[2] Spark (two
 * parameter-averaging workers): "ImageNet" weights (here a tiny detector trained for an epoch) copied into every
 * candidate, the alpha history, the genotype, a killed search resumed, the genotype retrained from the same weights
 * and evaluated, and the baseline on the same budget.
 */
class SearchCommandTest {
    /** A tiny ResNet at 128 px: 4 channel groups per searched layer, 2 images per worker, rounds of W A. */
    private static final String[] TINY = {"-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false",
            "-Dsearch.model.backbone=tiny", "-Dsearch.model.width=0.125", "-Dsearch.model.fpn-channels=16",
            "-Dsearch.model.head-depth=1", "-Dsearch.model.image-size=128", "-Dsearch.batch-size=2",
            "-Dsearch.space.groups=4", "-Dsearch.spark.averaging-frequency=2", "-Dsearch.optimisation.epochs=2",
            "-Dsearch.optimisation.frozen-epochs=1", "-Dsearch.optimisation.weight-rate-per-image=0.005",
            "-Dsearch.optimisation.alpha-rate=0.05"};

    @TempDir
    static Path data;

    @BeforeAll
    static void prepare() {
        org.detsearch.testing.PreparedSynthetic.prepare(data, 24, 4, 128, TINY[0], TINY[1]);
    }

    private static String[] args(String... args) {
        List<String> all = new ArrayList<>(List.of("search", "--data", data.resolve("train").toString()));
        all.addAll(Arrays.asList(TINY));
        all.addAll(Arrays.asList(args)); // last: a test's -D wins over TINY's
        return all.toArray(String[]::new);
    }

    private static double[][][] softmaxes(Path alphaJson) throws Exception {
        JsonNode layers = new ObjectMapper().readTree(alphaJson.toFile()).get("layers");
        double[][][] all = new double[layers.size()][][];
        for (int l = 0; l < layers.size(); l++) {
            JsonNode rows = layers.get(l).get("softmax");
            all[l] = new double[rows.size()][];
            for (int g = 0; g < rows.size(); g++) {
                all[l][g] = new double[rows.get(g).size()];
                for (int c = 0; c < rows.get(g).size(); c++) {
                    all[l][g][c] = rows.get(g).get(c).asDouble();
                }
            }
        }
        return all;
    }

    /** train's settings of the same tiny detector as the search's (the retrain and the "pretrained" run). */
    private static String[] trainArgs(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--output"));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("-Dtrain.data=" + data.resolve("train"), "-Dtrain.mode=spark", "-Dtrain.epochs=1", TINY[0], TINY[1],
                "-Dtrain.model.backbone=tiny", "-Dtrain.model.width=0.125", "-Dtrain.model.fpn-channels=16",
                "-Dtrain.model.head-depth=1", "-Dtrain.model.image-size=128", "-Dtrain.batch-size=2",
                "-Dtrain.optimizer.method=adam", "-Dtrain.optimizer.learning-rate=1e-3", "-Dretrain.val-data=" + data.resolve("val")));
        return all.toArray(String[]::new);
    }

    @Test
    void frozenEpochsLeaveAlphaUniformSearchEpochsMoveItAndTheGenotypeRetrains(@TempDir Path tmp) throws Exception {
        CliRunner pretrain = CliRunner.run(trainArgs("train", tmp.resolve("pretrained").toString()));
        assertEquals(0, pretrain.exitCode(), pretrain.err());
        Path pretrained = tmp.resolve("pretrained/model.zip");

        Path run = tmp.resolve("search");
        CliRunner search = CliRunner.run(args("--output", run.toString(), "-Dsearch.pretrained=" + pretrained));
        assertEquals(0, search.exitCode(), search.err());
        assertTrue(search.out().contains("search: 2 epochs"), search.out());

        double[][][] frozen = softmaxes(run.resolve("alpha/epoch-1.json"));
        assertEquals(3, frozen.length, "the tiny ResNet's searched convolutions: one block in each of stages 3, 4 and 5");
        for (double[][] layer : frozen) {
            assertEquals(4, layer.length, "4 channel groups");
            for (double[] group : layer) {
                for (double p : group) {
                    // softmax of alpha = 0 in float, exactly: alpha did not move at all
                    assertEquals((float) (1.0 / group.length), (float) p, "alpha frozen: still uniform after the weight steps");
                }
            }
        }
        double moved = 0;
        for (double[][] layer : softmaxes(run.resolve("alpha/epoch-2.json"))) {
            for (double[] group : layer) {
                for (double p : group) {
                    moved = Math.max(moved, Math.abs(p - 1.0 / group.length));
                }
            }
        }
        assertTrue(moved > 1e-4, "architecture steps moved alpha: " + moved);
        Genotype genotype = Genotype.fromJson(Files.readString(run.resolve("genotype.json")));
        assertEquals(Genotype.fromJson(Files.readString(run.resolve("alpha/epoch-2.json"))), genotype, "the last epoch's decoding");

        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(3, history.size(), "a row per epoch: " + history);
        int first = Integer.parseInt(history.get(1).split(",")[0]);
        int second = Integer.parseInt(history.get(2).split(",")[0]);
        assertEquals(3 * first, second, "a search epoch has a weight and an architecture step per frozen epoch's step");

        CliRunner again = CliRunner.run(args("--output", run.toString()));
        assertEquals(2, again.exitCode(), again.out());
        assertTrue(again.err().contains("already holds a finished run (genotype.json)"), again.err());

        // the genotype retrained from the same weights, which load into the transformed backbone by name
        CliRunner retrain = CliRunner.run(trainArgs("retrain", tmp.resolve("retrain").toString(),
                "--genotype", run.resolve("genotype.json").toString(), "-Dtrain.model.pretrained=" + pretrained));
        assertEquals(0, retrain.exitCode(), retrain.err());
        assertTrue(retrain.out().contains("retrain: the NATS-transformed backbone of"), retrain.out());
        assertTrue(new ObjectMapper().readTree(tmp.resolve("retrain/eval/metrics.json").toFile()).get("AP50").isNumber());
        CliRunner baseline = CliRunner.run(trainArgs("retrain", tmp.resolve("baseline").toString(),
                "-Dtrain.model.pretrained=" + pretrained));
        assertEquals(0, baseline.exitCode(), baseline.err());
        assertTrue(baseline.out().contains("retrain: the baseline"), baseline.out());
        assertTrue(Files.size(tmp.resolve("baseline/eval/metrics.json")) > 0);
    }

    @Test
    void aKilledSearchResumesAfterItsLastEpoch(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("search");
        String[] command = args("--output", run.toString());
        assertTrue(CliProcess.killWhenExists(run.resolve("alpha/epoch-1.json"), tmp.resolve("job.log"), command),
                "an epoch finished before the kill: " + Files.readString(tmp.resolve("job.log")));
        assertFalse(Files.exists(run.resolve("genotype.json")), "killed before the end");

        CliRunner resumed = CliRunner.run(command);
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("(resumed after epoch 1)"), resumed.out());
        List<String> iterations = Files.readAllLines(run.resolve("history.csv")).stream().skip(1).map(l -> l.split(",")[0]).toList();
        assertEquals(2, iterations.size(), "no epoch twice: " + iterations);
        assertTrue(Files.exists(run.resolve("alpha/epoch-2.json")) && Files.exists(run.resolve("genotype.json")));
    }

    @Test
    void anOddAveragingFrequencyIsAConfigError(@TempDir Path tmp) {
        CliRunner run = CliRunner.run(args("--output", tmp.resolve("x").toString(), "-Dsearch.spark.averaging-frequency=3"));
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("even averaging frequency"), run.err());
    }
}

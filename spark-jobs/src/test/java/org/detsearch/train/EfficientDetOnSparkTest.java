package org.detsearch.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.cli.CliRunner;
import org.detsearch.testing.PreparedSynthetic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detsearch train} with {@code architecture = efficientdet} (an explicit tiny variant) data-parallel on local[2]
 * Spark: the run folder, a finite loss in every epoch, the model evaluates. That it learns is shown where it is cheap:
 * TinyEfficientDetTrainingTest (AP50 far above the untrained model's, one JVM) and SparkDetectorTrainingTest (one
 * Spark worker averaging every minibatch computes exactly the single-JVM loop's parameters).
 */
class EfficientDetOnSparkTest {
    private static final String[] SPARK = {"-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false"};

    @TempDir
    static Path data;

    @BeforeAll
    static void prepare() {
        PreparedSynthetic.prepare(data, 8, 2, 128, SPARK);
    }

    @Test
    void trainsAndEvaluatesAnEfficientDetFromItsConfigKeys(@TempDir Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.resolve("train").toString(), "--output",
                tmp.resolve("run").toString(), "--mode", "spark", "--epochs", "2"));
        args.addAll(Arrays.asList(SPARK));
        args.addAll(List.of("-Dtrain.model.architecture=efficientdet", "-Dtrain.model.efficientdet.variant=explicit",
                "-Dtrain.model.efficientdet.image-size=128", "-Dtrain.model.efficientdet.backbone=scaled",
                "-Dtrain.model.efficientdet.width-coefficient=0.25", "-Dtrain.model.efficientdet.depth-coefficient=0.1",
                "-Dtrain.model.efficientdet.drop-connect=0", "-Dtrain.model.efficientdet.fpn-width=16",
                "-Dtrain.model.efficientdet.fpn-depth=1", "-Dtrain.model.efficientdet.head-depth=1",
                "-Dtrain.batch-size=2", "-Dtrain.optimizer.method=adam", "-Dtrain.optimizer.learning-rate=5e-3",
                "-Dtrain.optimizer.warmup-epochs=0.5", "-Dtrain.augmentation.jitter-min=0.9", "-Dtrain.augmentation.jitter-max=1.1",
                "-Dtrain.spark.averaging-frequency=2", "-Dtrain.optimizer.batch-norm-decay=0.9"));
        CliRunner train = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, train.exitCode(), train.err());

        assertTrue(train.out().contains("train: 2 epochs, 4 iterations"), train.out());
        List<String> history = java.nio.file.Files.readAllLines(tmp.resolve("run/history.csv"));
        assertEquals(3, history.size(), history.toString());
        assertTrue(Double.isFinite(probeLoss(history.get(2))), history.get(2));

        List<String> eval = new ArrayList<>(List.of("evaluate", "--model", tmp.resolve("run/model.zip").toString(), "--data",
                data.resolve("val").toString(), "--output", tmp.resolve("eval").toString()));
        eval.addAll(Arrays.asList(SPARK));
        CliRunner evaluate = CliRunner.run(eval.toArray(String[]::new));
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertTrue(new ObjectMapper().readTree(tmp.resolve("eval/metrics.json").toFile()).get("AP50").isNumber());
    }

    /** class_loss + box_loss of a history.csv row (the probe minibatch's loss parts). */
    private static double probeLoss(String row) {
        String[] f = row.split(",");
        return Double.parseDouble(f[3]) + Double.parseDouble(f[4]);
    }
}

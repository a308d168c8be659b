package org.detsearch.sweep;

import org.detsearch.cli.CliRunner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Data and settings for sweep tests: 8 training and 4 evaluation images of 128 px (synthetic shapes, 6 categories)
 * prepared into shards, and trial settings of a few iterations of a tiny RetinaNet.
 */
final class SweepTestData {
    static final String[] LOCAL_SPARK = {"-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false"};

    private SweepTestData() {
    }

    /**
     * The data, prepared once per test JVM (preparing runs Spark twice, which takes most of a minute on 2 busy
     * cores) into a temporary folder deleted when the JVM exits; tests only read it.
     */
    static Path shared() {
        return Shared.DIR;
    }

    private static final class Shared {
        static final Path DIR = create();

        private static Path create() {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("sweep-test-data");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> org.apache.commons.io.FileUtils.deleteQuietly(dir.toFile())));
                prepare(dir);
                return dir;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Generates and prepares the data under {@code dir}: {@code dir/train} and {@code dir/val}. */
    static void prepare(Path dir) {
        CliRunner run = CliRunner.run("generate-data", "--output", dir.resolve("synthetic").toString(), "--train", "8",
                "--val", "4", "--image-size", "128");
        assertEquals(0, run.exitCode(), run.err());
        for (String split : List.of("train", "val")) {
            run = CliRunner.run("prepare", "--annotations", dir.resolve("synthetic/" + split + "/instances.json").toString(),
                    "--images", dir.resolve("synthetic/" + split + "/images").toString(),
                    "--output", dir.resolve(split).toString(), LOCAL_SPARK[0], LOCAL_SPARK[1]);
            assertEquals(0, run.exitCode(), run.err());
        }
    }

    static SortedMap<String, Object> tinyArchitecture() {
        return org.detsearch.scaling.TinyArchitectures.retinaNet();
    }

    /** An optimizer section as train.optimizer's: the method, rate and clip given, no schedule steps, EMA or BN decay. */
    static Map<String, Object> optimizer(String method, double learningRate, double gradientClip) {
        Map<String, Object> o = new TreeMap<>();
        o.put("method", method);
        o.put("learning-rate", learningRate);
        o.put("momentum", 0.9);
        o.put("weight-decay", 0);
        o.put("gradient-clip", gradientClip);
        o.put("warmup-epochs", 0);
        o.put("schedule", "cosine");
        o.put("decay-epochs", List.of());
        o.put("decay-factor", 0.1);
        o.put("ema-decay", 0);
        o.put("batch-norm-decay", 0);
        return o;
    }

    /** Trial settings as the sweep builds them: 4 training images in batches of 2 for one epoch, 4 evaluation images. */
    static SortedMap<String, Object> settings(Path dir, boolean dryRun) {
        SortedMap<String, Object> s = new TreeMap<>();
        s.put("data", Map.of("train", dir.resolve("train").toUri().toString(), "evaluation", dir.resolve("val").toUri().toString(),
                "subset-seed", 0));
        s.put("budget", Map.of("images", 4, "epochs", 1, "resolution-scale", 1.0, "batch-size", 2));
        s.put("optimizer", optimizer("adam", 1e-3, 10));
        s.put("augmentation", Map.of("jitter-min", 0.9, "jitter-max", 1.1, "flip", true));
        s.put("evaluation", Map.of("max-images", 4, "nms", "hard", "batch-size", 4));
        s.put("latency", Map.of("warmup", 1, "runs", 3));
        s.put("dry-run", dryRun);
        s.put("training", Map.of("mode", "single", "workers", 1, "averaging-frequency", 1, "prefetch", 0));
        return s;
    }
}

package org.detsearch.testing;

import org.detsearch.cli.CliRunner;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A generated synthetic dataset prepared into shards through the CLI, as a user would: {@code dir/synthetic} (COCO
 * files), {@code dir/train} and {@code dir/val} (prepared datasets).
 */
public final class PreparedSynthetic {
    private PreparedSynthetic() {
    }

    /** @param sparkArgs the Spark settings of the prepare runs, e.g. {@code -Dspark-runtime.master=local[2]} */
    public static void prepare(Path dir, int trainImages, int valImages, int imageSize, String... sparkArgs) {
        CliRunner run = CliRunner.run("generate-data", "--output", dir.resolve("synthetic").toString(), "--train",
                String.valueOf(trainImages), "--val", String.valueOf(valImages), "--image-size", String.valueOf(imageSize));
        assertEquals(0, run.exitCode(), run.err());
        for (String split : List.of("train", "val")) {
            List<String> args = new java.util.ArrayList<>(List.of("prepare",
                    "--annotations", dir.resolve("synthetic/" + split + "/instances.json").toString(),
                    "--images", dir.resolve("synthetic/" + split + "/images").toString(),
                    "--output", dir.resolve(split).toString()));
            args.addAll(List.of(sparkArgs));
            run = CliRunner.run(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
        }
    }
}

package org.detsearch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** generate-data then prepare, as the README's first commands run them. */
class GenerateDataCommandTest {
    @Test
    void generatedDataPreparesIntoShards(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("synthetic");
        CliRunner gen = CliRunner.run("generate-data", "--output", data.toString(), "--train", "12", "--val", "4",
                "--image-size", "128", "--seed", "3");
        assertEquals(0, gen.exitCode(), gen.err());
        assertTrue(gen.out().contains("generate-data: train: 12 images"), gen.out());
        assertTrue(gen.out().contains("generate-data: val: 4 images"), gen.out());
        com.typesafe.config.Config resolved = com.typesafe.config.ConfigFactory.parseFile(data.resolve("resolved.conf").toFile());
        assertEquals(128, resolved.getInt("generate.image-size"), "the run's settings are written beside its output");

        CliRunner prep = CliRunner.run("prepare", "--annotations", data.resolve("train/instances.json").toString(),
                "--images", data.resolve("train/images").toString(), "--output", tmp.resolve("shards").toString(),
                "-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false");
        assertEquals(0, prep.exitCode(), prep.err());
        assertTrue(prep.out().contains("prepare: wrote 12 of 12 images"), prep.out());
        assertTrue(prep.out().contains("6 categories"), prep.out());
    }

    @Test
    void inconsistentSettingsAreAConfigError(@TempDir Path tmp) {
        CliRunner run = CliRunner.run("generate-data", "--output", tmp.resolve("x").toString(),
                "-Dgenerate.min-objects=5", "-Dgenerate.max-objects=2");
        assertEquals(2, run.exitCode());
        assertEquals("generate-data: bad config in section 'generate': objects per image must satisfy 0 <= min <= max <= 50, got 5..2",
                run.err().strip());
        run = CliRunner.run("generate-data", "--output", tmp.resolve("x").toString(), "--image-size", "20");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("'generate.image-size': got 20; allowed: an integer in [64, 4096]"), run.err());
    }
}

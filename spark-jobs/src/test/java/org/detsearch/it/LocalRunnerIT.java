package org.detsearch.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first commands, through submit-scripts/detsearch as a newcomer types them. */
class LocalRunnerIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private static String detsearch(Path log, String... args) throws Exception {
        return script("detsearch", log, args);
    }

    private static String script(String name, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("submit-scripts").resolve(name).toString()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), name + " " + String.join(" ", args) + " did not finish");
        String output = Files.readString(log);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void generateDataThenPrepareWithTheLocalRunner(@TempDir Path tmp) throws Exception {
        assertTrue(detsearch(tmp.resolve("help.log"), "--help").contains("generate-data"));
        String generated = detsearch(tmp.resolve("gen.log"), "generate-data", "--output", tmp.resolve("synthetic").toString(),
                "--train", "16", "--val", "4", "--image-size", "128");
        assertTrue(generated.contains("generate-data: train: 16 images"), generated);
        String prepared = detsearch(tmp.resolve("prep.log"), "prepare",
                "--annotations", tmp.resolve("synthetic/train/instances.json").toString(),
                "--images", tmp.resolve("synthetic/train/images").toString(),
                "--output", tmp.resolve("train-shards").toString(),
                "-Dspark-runtime.conf.\"spark.ui.enabled\"=false");
        assertTrue(prepared.contains("prepare: wrote 16 of 16 images"), prepared);
        assertTrue(prepared.contains("progress - prepare: 1/1 shards (100%)"), "progress lines reach the console: " + prepared);
        assertTrue(!prepared.contains("NativeCodeLoader"), "library noise is kept off the console: " + prepared);
        assertTrue(Files.isRegularFile(tmp.resolve("train-shards/manifest.json")));
    }

    /** demo.sh, the README's first command, with its data and model shrunk so that it runs in a minute. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theDemoScriptRunsEveryStage(@TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("demo");
        String out = script("demo.sh", tmp.resolve("demo.log"), "--output", work.toString(), "--epochs", "1",
                "-Dspark-runtime.conf.\"spark.ui.enabled\"=false", "-Ddemo.generate.train-images=8",
                "-Ddemo.generate.val-images=4", "-Ddemo.train.batch-size=2", "-Ddemo.train.model.width=0.125",
                "-Ddemo.train.model.fpn-channels=16", "-Ddemo.train.model.head-depth=1");
        assertTrue(out.contains("demo: 3/4 training data-parallel on Spark"), out);
        assertTrue(out.matches("(?s).*demo: AP50 on the held-out split: \\d\\.\\d{3}.*"), out);
        assertTrue(out.contains("metrics file:" + work.resolve("eval/metrics.json")), out);
        for (String noise : new String[] {"DifferentialFunction", "Assigning a size of zero", "Duplicate TF op mapping"}) {
            assertTrue(!out.contains(noise), "DL4J's chatter is kept off the console (" + noise + "): " + out);
        }
        assertTrue(Files.size(work.resolve("eval/metrics.json")) > 0);
        assertTrue(Files.size(work.resolve("run/loss-curve.png")) > 0);
    }
}

package org.detsearch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.coco.SharedTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application jar as a user submits it: through spark-submit's own entry point
 * ({@code org.apache.spark.deploy.SparkSubmit}) against a local-cluster master, whose two executors are
 * separate JVMs that get DetSearch only from the submitted jar.
 */
class AppJarSubmitIT {
    private static final Path SPARK_HOME = Path.of(System.getProperty("detsearch.spark.home", "target/spark-home"));
    private static final Path APP_JAR = Path.of(System.getProperty("detsearch.app.jar", "target/detsearch-app.jar"));

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void prepareRunsFromTheApplicationJarOnALocalCluster(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("coco128-shards");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(java17Flags());
        command.addAll(List.of("-cp", SPARK_HOME.resolve("jars") + File.separator + "*",
                "org.apache.spark.deploy.SparkSubmit",
                "--master", "local-cluster[2,1,1024]",
                "--class", "org.detsearch.cli.Main",
                "--conf", "spark.executorEnv.SPARK_SCALA_VERSION=2.12",
                "--conf", "spark.ui.enabled=false",
                APP_JAR.toString(),
                "prepare",
                "--annotations", SharedTestData.coco128Instances().toUri().toString(),
                "--images", SharedTestData.coco128Images().toUri().toString(),
                "--output", out.toUri().toString(),
                "--shard-size", "4MiB"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("spark-submit.log").toFile());
        builder.environment().put("SPARK_HOME", SPARK_HOME.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.12");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process process = builder.start();
        boolean finished = process.waitFor(4, TimeUnit.MINUTES);
        String log = Files.readString(tmp.resolve("spark-submit.log"));
        if (!finished) {
            process.destroyForcibly();
        }
        assertTrue(finished, "spark-submit did not finish in 4 minutes:\n" + log);
        assertEquals(0, process.exitValue(), log);
        assertTrue(log.contains("prepare: wrote 128 of 128 images (939 annotations, 10 crowd)"), log);

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(128, manifest.at("/counts/imagesWritten").asInt());
        long shardImages = 0;
        for (JsonNode shard : manifest.get("shards")) {
            assertTrue(Files.size(out.resolve(shard.get("path").asText())) > 0);
            shardImages += shard.get("images").asLong();
        }
        assertEquals(128, shardImages);
    }

    /** The module openings Spark needs on Java 17: the list submit-scripts/detsearch uses. */
    static List<String> java17Flags() throws Exception {
        Path flags = Path.of(System.getProperty("user.dir")).getParent().resolve("submit-scripts").resolve("java17-flags");
        return Files.readAllLines(flags).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
}

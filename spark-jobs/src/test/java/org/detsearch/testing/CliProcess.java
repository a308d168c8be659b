package org.detsearch.testing;

import org.detsearch.cli.Main;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The CLI in a JVM of its own, for tests that kill a job (SIGKILL) mid-run and start it again. */
public final class CliProcess {
    private CliProcess() {
    }

    /**
     * Starts {@code detsearch args...} and kills it as soon as {@code marker} exists (or after 3 minutes).
     *
     * @return whether the marker appeared before the kill; the job's output is in {@code log}
     */
    public static boolean killWhenExists(Path marker, Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
        // the module openings Spark and ND4J need on Java 17, as this test JVM got them
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(marker) && job.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        job.destroyForcibly().waitFor();
        return Files.exists(marker);
    }
}

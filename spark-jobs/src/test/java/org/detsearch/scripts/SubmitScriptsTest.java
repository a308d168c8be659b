package org.detsearch.scripts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** submit.sh and the GPU discovery script, run for real against a stand-in spark-submit that records its arguments. */
class SubmitScriptsTest {
    private static final Path SCRIPTS = Path.of(System.getProperty("user.dir")).getParent().resolve("submit-scripts");

    private record Result(int exitCode, String output) {
    }

    private static Result run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the scripts read these: only what a test passes counts, not the environment Maven runs in
        builder.environment().remove("OMP_NUM_THREADS");
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Result(process.exitValue(), output);
    }

    /**
     * A SPARK_HOME whose bin/spark-submit writes one argument per line to args.txt, appends its arguments as one line
     * to calls.txt, and exits with $FAKE_SUBMIT_EXIT (0 when unset).
     */
    private static Path fakeSparkHome(Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("spark/bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/../args.txt\"\n"
                + "echo \"$*\" >> \"$(dirname \"$0\")/../calls.txt\"\nexit \"${FAKE_SUBMIT_EXIT:-0}\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve("spark");
    }

    /** What detsearch exports as OMP_NUM_THREADS for a command line ("" = nothing: ND4J's default, every core). */
    private static String ompThreads(Map<String, String> env, String... args) throws Exception {
        String command = "source \"$0\" && detsearch_omp_threads \"$@\"";
        List<String> line = new java.util.ArrayList<>(List.of("bash", "-c", command, SCRIPTS.resolve("nd4j-threads").toString()));
        line.addAll(List.of(args));
        Result result = run(env, line.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    @Test
    void ndThreadsAreOnePerSparkTaskAndEveryCoreForSingleThreadedWork() throws Exception {
        Map<String, String> unset = Map.of();
        assertEquals("1", ompThreads(unset, "train", "-c", "job.conf"), "train defaults to spark mode");
        assertEquals("1", ompThreads(unset, "demo"));
        assertEquals("1", ompThreads(unset, "sweep", "-c", "sweep.conf", "--mode-note", "local"));
        assertEquals("", ompThreads(unset, "train", "-c", "job.conf", "--mode", "local"));
        assertEquals("", ompThreads(unset, "train", "--mode=local"));
        assertEquals("", ompThreads(unset, "train", "-Dtrain.mode=local"));
        assertEquals("", ompThreads(unset, "bench", "gemm"));
        assertEquals("", ompThreads(unset, "model-info", "--model", "resnet50"));
        assertEquals("4", ompThreads(Map.of("OMP_NUM_THREADS", "4"), "demo"), "the user's setting wins");
    }

    /** What detsearch exports as OPENBLAS_CORETYPE on a CPU with these cpuinfo flags ("" = nothing: OpenBLAS decides). */
    private static String openblasCore(Path tmp, Map<String, String> env, String flags) throws Exception {
        Path cpuinfo = Files.writeString(tmp.resolve("cpuinfo-" + Math.abs(flags.hashCode())),
                "processor\t: 0\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nflags\t\t: " + flags + "\n");
        Result result = run(env, "bash", "-c", "source \"$0\" && detsearch_openblas_core \"$1\"",
                SCRIPTS.resolve("nd4j-threads").toString(), cpuinfo.toString());
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    @Test
    void openblasGetsItsAvx512KernelOnCpusWithAvx512AndDecidesElsewhere(@TempDir Path tmp) throws Exception {
        Map<String, String> unset = Map.of();
        String avx512 = "fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_fp16";
        assertEquals("SkylakeX", openblasCore(tmp, unset, avx512));
        assertEquals("", openblasCore(tmp, unset, "fpu sse sse2 avx avx2 fma"), "an AVX2 CPU: OpenBLAS' own choice");
        assertEquals("", openblasCore(tmp, unset, "fpu avx2 avx512f avx512cd"), "AVX-512 without BW/DQ/VL (Knights Landing)");
        assertEquals("Haswell", openblasCore(tmp, Map.of("OPENBLAS_CORETYPE", "Haswell"), avx512), "the user's setting wins");
        assertEquals("", run(unset, "bash", "-c", "set -euo pipefail; source \"$0\"; detsearch_openblas_core /nonexistent",
                SCRIPTS.resolve("nd4j-threads").toString()).output().strip(), "no cpuinfo: OpenBLAS decides, no failure");
    }

    @Test
    void clusterModeShipsTheConfigAndRequestsOneGpuPerTask(@TempDir Path tmp) throws Exception {
        Path sparkHome = fakeSparkHome(tmp);
        Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");
        Path conf = Files.writeString(tmp.resolve("nightly.conf"), "prepare {}");
        Result result = run(Map.of("SPARK_HOME", sparkHome.toString(), "DETSEARCH_APP_JAR", jar.toString(), "OPENBLAS_CORETYPE", "SkylakeX"),
                SCRIPTS.resolve("submit.sh").toString(), "--master", "spark://head:7077", "--deploy-mode", "cluster",
                "--num-executors", "3", "--gpus-per-executor", "2", "--s3", "--conf", "spark.eventLog.enabled=true",
                "--", "prepare", "-c", conf.toString(), "--overwrite");
        assertEquals(0, result.exitCode(), result.output());
        List<String> args = Files.readAllLines(sparkHome.resolve("args.txt"));
        String joined = String.join(" ", args);
        assertTrue(joined.contains("--master spark://head:7077 --deploy-mode cluster"), joined);
        assertTrue(joined.contains("--class org.detsearch.cli.Main"), joined);
        assertTrue(joined.contains("--num-executors 3"), joined);
        assertTrue(joined.contains("--conf spark.executor.resource.gpu.amount=2"), joined);
        assertTrue(joined.contains("--conf spark.task.resource.gpu.amount=1"), joined);
        assertTrue(joined.contains("--conf spark.executor.resource.gpu.discoveryScript=./get-gpus-resources.sh"), joined);
        assertTrue(joined.contains("--packages org.apache.hadoop:hadoop-aws:3.3.6"), joined);
        assertTrue(joined.contains("--conf spark.eventLog.enabled=true"), joined);
        assertTrue(joined.contains("--conf spark.executorEnv.OPENBLAS_CORETYPE=SkylakeX"), "the user's kernel reaches the executors: " + joined);
        assertTrue(joined.contains("--files " + conf + "," + SCRIPTS.resolve("get-gpus-resources.sh")), joined);
        // in cluster mode the driver reads the shipped copy from its working directory
        assertTrue(joined.endsWith(jar + " prepare -c nightly.conf --overwrite"), joined);
    }

    @Test
    void clientModeKeepsTheLocalConfigPathAndBadOptionsExitWith2(@TempDir Path tmp) throws Exception {
        Path sparkHome = fakeSparkHome(tmp);
        Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");
        Path conf = Files.writeString(tmp.resolve("job.conf"), "");
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString(), "DETSEARCH_APP_JAR", jar.toString());
        assertEquals(0, run(env, SCRIPTS.resolve("submit.sh").toString(), "--master", "yarn", "--", "prepare", "-c", conf.toString()).exitCode());
        String joined = String.join(" ", Files.readAllLines(sparkHome.resolve("args.txt")));
        assertTrue(joined.endsWith("prepare -c " + conf), joined);
        assertTrue(!joined.contains("gpu"), "no GPUs asked for: " + joined);

        Result bad = run(env, SCRIPTS.resolve("submit.sh").toString(), "--frobnicate", "--", "prepare");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.output().contains("unknown option --frobnicate"), bad.output());
        Result missingConf = run(env, SCRIPTS.resolve("submit.sh").toString(), "--", "prepare", "-c", "/nope.conf");
        assertEquals(2, missingConf.exitCode());
        assertTrue(missingConf.output().contains("config file /nope.conf not found"), missingConf.output());
    }

    @Test
    void gpuDiscoveryListsTheDevicesSparkMayUse() throws Exception {
        Result result = run(Map.of("CUDA_VISIBLE_DEVICES", "0,3"), SCRIPTS.resolve("get-gpus-resources.sh").toString());
        assertEquals(0, result.exitCode());
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"3\"]}", result.output().strip());
    }

    @Test
    void sweepGivesEachTrialTaskItsCoresAndRendersTheReportAfterFailedTrials(@TempDir Path tmp) throws Exception {
        Path sparkHome = fakeSparkHome(tmp);
        Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");
        Path conf = Files.writeString(tmp.resolve("sweep.conf"), "sweep {}");
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString(), "DETSEARCH_APP_JAR", jar.toString(),
                "FAKE_SUBMIT_EXIT", "3");
        Result gpu = run(env, SCRIPTS.resolve("sweep.sh").toString(), "--master", "yarn", "--executor-cores", "8",
                "--gpus-per-executor", "2", "--report", "--", "-c", conf.toString(), "--output", "hdfs:///sweeps/a");
        assertEquals(3, gpu.exitCode(), "the sweep's exit code: " + gpu.output());
        List<String> calls = Files.readAllLines(sparkHome.resolve("calls.txt"));
        assertEquals(2, calls.size(), "the sweep, then its report: " + calls);
        String sweep = calls.get(0);
        assertTrue(sweep.contains("--conf spark.task.resource.gpu.amount=1"), sweep);
        assertTrue(sweep.contains("--conf spark.executor.resource.gpu.amount=2"), sweep);
        assertTrue(sweep.contains("--conf spark.task.cpus=4"), "8 cores for 2 GPUs: " + sweep);
        assertTrue(sweep.contains("--conf spark.locality.wait=0s"), sweep);
        assertTrue(sweep.endsWith(jar + " sweep -c " + conf + " -Dsweep.output=hdfs:///sweeps/a"), sweep);
        assertTrue(calls.get(1).endsWith(jar + " report -c " + conf + " -Dsweep.output=hdfs:///sweeps/a"), calls.get(1));
        assertTrue(calls.get(1).contains("--num-executors 1"), calls.get(1));

        Files.delete(sparkHome.resolve("calls.txt"));
        Result cpu = run(Map.of("SPARK_HOME", sparkHome.toString(), "DETSEARCH_APP_JAR", jar.toString()),
                SCRIPTS.resolve("sweep.sh").toString(), "--executor-cores", "6", "--trials-per-executor", "3", "--", "-c", conf.toString());
        assertEquals(0, cpu.exitCode(), cpu.output());
        List<String> cpuCalls = Files.readAllLines(sparkHome.resolve("calls.txt"));
        assertEquals(1, cpuCalls.size(), "no report unless asked");
        assertTrue(cpuCalls.get(0).contains("--conf spark.task.cpus=2") && !cpuCalls.get(0).contains("gpu"), cpuCalls.get(0));

        Result tooMany = run(env, SCRIPTS.resolve("sweep.sh").toString(), "--executor-cores", "2", "--trials-per-executor", "4",
                "--", "-c", conf.toString());
        assertEquals(2, tooMany.exitCode());
        assertTrue(tooMany.output().contains("4 trials per executor need at least as many executor cores"), tooMany.output());
        Result noJob = run(env, SCRIPTS.resolve("sweep.sh").toString(), "--master", "yarn");
        assertEquals(2, noJob.exitCode());
    }
}

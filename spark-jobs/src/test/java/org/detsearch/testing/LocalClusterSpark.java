package org.detsearch.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Real multi-JVM Spark: master {@code local-cluster[N,1,MB]} runs a standalone master and N workers in this JVM,
 * and each worker launches one executor as a separate JVM from the Spark home the build assembles
 * (target/spark-home, whose jars/ holds the runtime classpath). Executors also get this JVM's class path, so
 * project and test classes load there as they would from the application jar. start() returns once every
 * executor has registered; it throws, with the executors' output, if they keep dying at launch (found after a few
 * relaunches, in seconds) or do not register within 2 minutes.
 * <p>
 * Tests using it still need a JUnit timeout: jobs wait for executors, and dying executors are relaunched forever
 * (the standalone master's limit of 10 failures does not apply while another executor is running).
 */
public final class LocalClusterSpark implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterSpark.class);
    private static final Duration EXECUTOR_START = Duration.ofMinutes(2);
    /** Executor relaunches at start after which start() concludes they die at launch (they would go on forever). */
    private static final int FAILED_LAUNCHES_TOLERATED = 4;

    private final SparkSession spark;
    /** Worker folders left by earlier clusters: an application started in the same second had the same id. */
    private final Set<Path> earlierWorkerDirs;

    private LocalClusterSpark(SparkSession spark, Set<Path> earlierWorkerDirs) {
        this.spark = spark;
        this.earlierWorkerDirs = earlierWorkerDirs;
    }

    /** Two executor JVMs with one core and 1 GiB each. */
    public static LocalClusterSpark start() {
        return start(2, 1024);
    }

    public static LocalClusterSpark start(int executors, int executorMemoryMb) {
        return start(executors, executorMemoryMb, Map.of());
    }

    /** With extra Spark settings, applied last. */
    public static LocalClusterSpark start(int executors, int executorMemoryMb, Map<String, String> sparkSettings) {
        long t0 = System.nanoTime();
        Path sparkHome = Path.of(System.getProperty("detsearch.spark.home", "target/spark-home")).toAbsolutePath();
        if (!Files.isDirectory(sparkHome.resolve("jars"))) {
            throw new IllegalStateException(sparkHome + "/jars is missing: run the build (mvn process-test-classes) first");
        }
        SparkTestSettings.useSystemClockTimeSource();
        String scalaVersion = scala.util.Properties.versionNumberString().replaceAll("^(\\d+\\.\\d+).*", "$1");
        SparkConf conf = SparkTestSettings.conf("local-cluster[" + executors + ",1," + executorMemoryMb + "]",
                        "detsearch-local-cluster-test", 2 * executors)
                // the driver refuses an executor memory above the worker's (default 1g)
                .set("spark.executor.memory", executorMemoryMb + "m")
                // the launcher looks for jars/ by Scala version; without it every executor dies at launch
                .set("spark.executorEnv.SPARK_SCALA_VERSION", scalaVersion)
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        sparkSettings.forEach(conf::set);
        Set<Path> earlierWorkerDirs = workerDirs();
        SparkContext sc = withSparkHome(sparkHome, () -> new SparkContext(conf));
        long contextMs = (System.nanoTime() - t0) / 1_000_000;
        LocalClusterSpark cluster = new LocalClusterSpark(SparkTestSettings.session(sc), earlierWorkerDirs);
        try {
            cluster.awaitFirstExecutors(executors);
        } catch (RuntimeException e) {
            String logs = cluster.executorLogTails();
            cluster.close();
            throw new IllegalStateException(e.getMessage() + "\n" + logs, e);
        }
        LOG.info("LocalClusterSpark with {} executor JVMs started in {} ms (SparkContext {} ms, executors {} ms)",
                executors, (System.nanoTime() - t0) / 1_000_000, contextMs, (System.nanoTime() - t0) / 1_000_000 - contextMs);
        return cluster;
    }

    /**
     * The workers read their Spark home when they are constructed, inside the SparkContext constructor: from
     * SPARK_HOME, which a running JVM cannot set, or, only while {@code spark.testing} is set, from
     * {@code spark.test.home}. Both properties are set for that moment only, so the rest of the run is not in
     * Spark's test mode; the SparkConf, built before and not loading system properties, does not carry them to
     * the executors either. A relaunched executor uses the Spark home the worker kept.
     */
    private static synchronized SparkContext withSparkHome(Path sparkHome, Supplier<SparkContext> create) {
        String testing = System.setProperty("spark.testing", "true");
        String testHome = System.setProperty("spark.test.home", sparkHome.toString());
        try {
            return create.get();
        } finally {
            restore("spark.testing", testing);
            restore("spark.test.home", testHome);
        }
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }

    public SparkSession session() {
        return spark;
    }

    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** The executors the driver has registered now (a killed one disappears once the driver notices). */
    public Set<String> executorIds() {
        // SparkContext.getExecutorIds is Scala-private[spark]; the public status tracker knows no executor ids
        return new TreeSet<>(JavaConverters.seqAsJavaList(spark.sparkContext().getExecutorIds()));
    }

    /**
     * Waits for the first executors. An executor JVM that dies at launch (bad option, missing class path) is
     * relaunched by its worker without end, each time in a new log folder: a few extra folders mean failure.
     */
    private void awaitFirstExecutors(int count) {
        awaitCondition(() -> {
            if (executorIds().size() == count) {
                return true;
            }
            int launches = executorLogDirs().size();
            if (launches > count + FAILED_LAUNCHES_TOLERATED) {
                throw new IllegalStateException(launches + " executor JVMs were launched for " + count
                        + " and " + executorIds().size() + " registered: executors die at launch");
            }
            return false;
        }, EXECUTOR_START, () -> count + " executors did not register within " + EXECUTOR_START);
    }

    /** Waits until exactly {@code count} executors are registered, e.g. for a killed one's replacement. */
    public void awaitExecutors(int count, Duration timeout) {
        awaitCondition(() -> {
            if (spark.sparkContext().isStopped()) {
                throw new IllegalStateException("Spark stopped while waiting for " + count + " executors");
            }
            return executorIds().size() == count;
        }, timeout, () -> count + " executors did not register within " + timeout + " (registered: " + executorIds() + ")");
    }

    /** Process id of each registered executor's JVM, found by running tasks until every executor has run one. */
    public Map<String, Long> pidsByExecutorId() {
        Set<String> live = executorIds();
        Map<String, Long> pids = new TreeMap<>();
        for (int attempt = 0; attempt < 10 && !pids.keySet().containsAll(live); attempt++) {
            int slices = 4 * Math.max(1, live.size());
            jsc().parallelize(IntStream.range(0, slices).boxed().toList(), slices)
                    .map(i -> {
                        // a short wait, so that one executor cannot run every task before the others are offered one
                        Thread.sleep(50);
                        return new Tuple2<>(SparkEnv.get().executorId(), ProcessHandle.current().pid());
                    })
                    .collect().forEach(t -> pids.put(t._1(), t._2()));
        }
        pids.keySet().retainAll(live);
        return pids;
    }

    /** Process ids of the executor JVMs, sorted. */
    public List<Long> executorPids() {
        return pidsByExecutorId().values().stream().sorted().toList();
    }

    /**
     * Kills one executor JVM the hard way (SIGKILL), as a crashed node dies, and waits until the driver has noticed.
     * Its worker then launches a replacement: {@link #awaitExecutors} waits for it. Returns the killed pid.
     */
    public long killExecutor() {
        Map.Entry<String, Long> victim = pidsByExecutorId().entrySet().stream().max(Map.Entry.comparingByKey())
                .orElseThrow(() -> new IllegalStateException("no executor to kill"));
        kill(victim.getValue());
        ProcessHandle.of(victim.getValue()).ifPresent(process -> process.onExit().join());
        awaitCondition(() -> !executorIds().contains(victim.getKey()), Duration.ofMinutes(1),
                () -> "the driver still lists killed executor " + victim.getKey());
        return victim.getValue();
    }

    /** Sends SIGKILL to a JVM and returns at once: safe to call from a SparkListener, e.g. in the middle of a job. */
    public static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * The folders holding each executor's stdout and stderr: local-cluster workers keep them in temporary folders
     * ({@code java.io.tmpdir/worker-UUID/APP-ID/EXECUTOR-ID}) that Spark leaves behind. Application ids are only
     * unique per master (app-SECOND-COUNTER), so folders of workers that existed before this cluster are skipped.
     */
    public List<Path> executorLogDirs() {
        String appId = spark.sparkContext().applicationId();
        List<Path> dirs = new ArrayList<>();
        try {
            for (Path worker : workerDirs()) {
                Path app = worker.resolve(appId);
                if (!earlierWorkerDirs.contains(worker) && Files.isDirectory(app)) {
                    try (Stream<Path> executors = Files.list(app)) {
                        executors.filter(Files::isDirectory).forEach(dirs::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirs.sort(null);
        return dirs;
    }

    private static Set<Path> workerDirs() {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("worker-")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The end of the first executors' stdout and stderr, for failure messages: the first are complete, while the
     * newest may still be starting. Lines are cut short, as the first one holds the whole class path.
     */
    private String executorLogTails() {
        List<Path> oldest = new ArrayList<>(executorLogDirs());
        oldest.sort(Comparator.comparing((Path dir) -> dir.toFile().lastModified()));
        StringBuilder tails = new StringBuilder();
        for (Path dir : oldest.subList(0, Math.min(2, oldest.size()))) {
            for (String name : List.of("stdout", "stderr")) {
                Path log = dir.resolve(name);
                try {
                    List<String> lines = Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
                    if (lines.isEmpty()) {
                        continue;
                    }
                    tails.append("--- ").append(log).append(" (last 30 lines)\n");
                    for (String line : lines.subList(Math.max(0, lines.size() - 30), lines.size())) {
                        tails.append(line.length() > 300 ? line.substring(0, 300) + " ..." : line).append('\n');
                    }
                } catch (IOException e) {
                    tails.append("--- ").append(log).append(": ").append(e).append('\n');
                }
            }
        }
        return tails.length() == 0 ? "(no executor logs found)" : tails.toString();
    }

    private static void awaitCondition(BooleanSupplier done, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure.get());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }
}

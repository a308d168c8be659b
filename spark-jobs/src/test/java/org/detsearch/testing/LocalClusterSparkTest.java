package org.detsearch.testing;

import org.apache.spark.SparkEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two executor JVMs. The timeout matters: jobs wait for executors, and a dying executor is relaunched. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalClusterSparkTest {
    private static final long TEST_JVM = ProcessHandle.current().pid();
    private static LocalClusterSpark cluster;

    @BeforeAll
    static void start() {
        cluster = LocalClusterSpark.start(2, 1024);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static long sumOf1To1000() {
        return cluster.jsc().parallelize(IntStream.rangeClosed(1, 1000).boxed().toList(), 8)
                .map(Integer::longValue).reduce(Long::sum);
    }

    @Test
    void partitionsRunInTwoSeparateExecutorJvmsAndSumCorrectly() {
        List<Tuple2<Long, Long>> pidAndSum = cluster.jsc().parallelize(IntStream.rangeClosed(1, 1000).boxed().toList(), 8)
                .mapPartitions(numbers -> {
                    long sum = 0;
                    while (numbers.hasNext()) {
                        sum += numbers.next();
                    }
                    Thread.sleep(100); // keeps one executor from taking every partition
                    return List.of(new Tuple2<>(ProcessHandle.current().pid(), sum)).iterator();
                })
                .collect();
        assertEquals(8, pidAndSum.size());
        assertEquals(500500L, pidAndSum.stream().mapToLong(Tuple2::_2).sum());
        Set<Long> pids = pidAndSum.stream().map(Tuple2::_1).collect(Collectors.toSet());
        assertEquals(2, pids.size(), "two executor JVMs ran partitions: " + pids);
        assertFalse(pids.contains(TEST_JVM), "executors run outside the test JVM " + TEST_JVM);
        assertEquals(pids, Set.copyOf(cluster.executorPids()));
        assertEquals(2, cluster.executorIds().size(), cluster.executorIds().toString());
        Set<String> loggingExecutors = cluster.executorLogDirs().stream().filter(d -> Files.isRegularFile(d.resolve("stderr")))
                .map(d -> d.getFileName().toString()).collect(Collectors.toSet());
        assertTrue(loggingExecutors.containsAll(cluster.executorIds()), "each executor has a log folder: " + cluster.executorLogDirs());
    }

    @Test
    void executorJvmsGetTheJava17FlagsTheTimeSourceAndTheTestClasses() {
        List<String> flags = SparkTestSettings.java17Flags();
        // the executors' list is the one surefire gives this JVM (the parent pom's spark.java17.flags)
        assertTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().containsAll(flags),
                "the test JVM was started with " + flags);
        List<String> problems = cluster.jsc().parallelize(List.of(0, 1, 2, 3), 4)
                .map(i -> {
                    StringBuilder wrong = new StringBuilder();
                    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
                    if (!args.containsAll(flags)) {
                        wrong.append("flags missing: ").append(args);
                    }
                    String timeSource = System.getProperty(SparkTestSettings.TIME_SOURCE_PROPERTY);
                    if (!SparkTestSettings.SYSTEM_CLOCK_TIME_SOURCE.equals(timeSource)) {
                        wrong.append(" time source: ").append(timeSource);
                    }
                    // a test class and a main class of this module
                    Class.forName("org.detsearch.testing.LocalClusterSparkTest");
                    Class.forName("org.detsearch.spark.DetSearchKryoRegistrator");
                    return ProcessHandle.current().pid() + ": " + (wrong.length() == 0 ? "ok" : wrong);
                })
                .collect().stream().filter(s -> !s.endsWith(": ok")).toList();
        assertEquals(List.of(), problems);
    }

    @Test
    void indArraysTravelBetweenJvmsWithKryo() {
        INDArray sum = cluster.jsc().parallelize(List.of(1, 2, 3, 4), 4)
                .mapToPair(i -> new Tuple2<>(i % 2, Nd4j.create(new double[] {i, 10.0 * i})))
                .reduceByKey(INDArray::add, 2)
                .values().reduce(INDArray::add);
        assertEquals("org.apache.spark.serializer.KryoSerializer", SparkEnv.get().serializer().getClass().getName());
        assertArrayEquals(new double[] {10, 100}, sum.toDoubleVector(), 1e-9);
    }

    @Test
    void aKilledExecutorJvmIsReplacedAndJobsGoOn() {
        Map<String, Long> before = cluster.pidsByExecutorId();
        long killed = cluster.killExecutor();
        assertTrue(before.containsValue(killed));
        assertFalse(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false), "pid " + killed + " is dead");
        assertEquals(500500L, sumOf1To1000(), "jobs run on the surviving executor");

        cluster.awaitExecutors(2, Duration.ofMinutes(2));
        List<Long> after = cluster.executorPids();
        assertEquals(2, after.size(), "a replacement executor registered: " + after);
        assertFalse(after.contains(killed));
        assertNotEquals(Set.copyOf(before.values()), Set.copyOf(after));
        assertEquals(500500L, sumOf1To1000());
    }
}

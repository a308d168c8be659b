package org.detsearch.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Real multi-JVM Spark: master {@code local-cluster[2,1,MB]} starts two executors as separate JVMs, launched from
 * the Spark home the build assembles (target/spark-home, jars/ = the runtime classpath). Executors get the test
 * classpath, so project and test classes load there as they would from the application jar.
 * Tests using it need timeouts: an executor that cannot start is relaunched forever.
 */
public final class LocalClusterSpark implements AutoCloseable {
    private final SparkSession spark;

    private LocalClusterSpark(SparkSession spark) {
        this.spark = spark;
    }

    public static LocalClusterSpark start(int executors, int executorMemoryMb) {
        Path sparkHome = Path.of(System.getProperty("detsearch.spark.home", "target/spark-home")).toAbsolutePath();
        if (!Files.isDirectory(sparkHome.resolve("jars"))) {
            throw new IllegalStateException(sparkHome + "/jars is missing: run the build (mvn process-test-classes) first");
        }
        // The worker finds the Spark home through these when spark.testing is set (spark.test.home alone is ignored).
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.toString());
        SparkConf conf = new SparkConf()
                .setMaster("local-cluster[" + executors + ",1," + executorMemoryMb + "]")
                .setAppName("detsearch-local-cluster-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.12")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", "-Dorg.deeplearning4j.spark.time.TimeSource="
                        + "org.deeplearning4j.spark.time.SystemClockTimeSource")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.detsearch.spark.DetSearchKryoRegistrator");
        return new LocalClusterSpark(SparkSession.builder().config(conf).getOrCreate());
    }

    public SparkSession session() {
        return spark;
    }

    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** Process ids of the executor JVMs, found by running tasks on them. */
    public List<Long> executorPids() {
        int slices = 16;
        return jsc().parallelize(IntStream.range(0, slices).boxed().toList(), slices)
                .map(i -> ProcessHandle.current().pid()).distinct().collect().stream().sorted().toList();
    }

    /** Kills an executor JVM the hard way, as a crashed node would die. */
    public static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        spark.stop();
        System.clearProperty("spark.testing");
        System.clearProperty("spark.test.home");
    }

}

package org.detsearch.testing;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Spark on {@code local[2]} in this JVM with the jobs' settings (Kryo + the ND4J-based registrator, system-clock
 * time source) and the tests' (no UI, loopback, 2 shuffle partitions, the SQL warehouse in a temp folder deleted on
 * close). Meant as a static per-class resource: start in {@code @BeforeAll}, close in {@code @AfterAll}.
 * <p>
 * It always creates a new SparkContext, so starting one while another Spark runs in the JVM fails ("Only one
 * SparkContext should be running in this JVM") instead of silently handing back the other one, with other
 * settings, as {@code SparkSession.builder().getOrCreate()} would.
 */
public final class LocalSpark implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSpark.class);

    private final SparkSession spark;
    private final Path scratch;

    private LocalSpark(SparkSession spark, Path scratch) {
        this.spark = spark;
        this.scratch = scratch;
    }

    public static LocalSpark start() {
        return start(Map.of());
    }

    /** With extra Spark settings, applied last. */
    public static LocalSpark start(Map<String, String> sparkSettings) {
        long t0 = System.nanoTime();
        // local[N] runs executor code in this JVM, so the driver's property is the executors' too
        SparkTestSettings.useSystemClockTimeSource();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("local-spark");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SparkConf conf = SparkTestSettings.conf("local[2]", "detsearch-local-test", 2)
                // else Spark SQL creates spark-warehouse/ in the working directory
                .set("spark.sql.warehouse.dir", scratch.resolve("warehouse").toUri().toString());
        sparkSettings.forEach(conf::set);
        SparkContext sc;
        try {
            sc = new SparkContext(conf);
        } catch (Exception e) {
            // e.g. SparkException "Only one SparkContext should be running in this JVM"
            FileUtils.deleteQuietly(scratch.toFile());
            throw e;
        }
        SparkSession spark = SparkTestSettings.session(sc);
        LOG.info("LocalSpark local[2] started in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return new LocalSpark(spark, scratch);
    }

    public SparkSession session() {
        return spark;
    }

    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** The live Hadoop configuration Spark reads and writes files with (changes apply to RDDs created later). */
    public Configuration hadoopConf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    /** Adds Hadoop settings, e.g. {@link MiniHdfs#clientSettings()} or {@link S3Proxy#s3aSettings()}. */
    public LocalSpark withHadoopSettings(Map<String, String> settings) {
        settings.forEach(hadoopConf()::set);
        return this;
    }

    @Override
    public void close() {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        FileUtils.deleteQuietly(scratch.toFile());
    }
}

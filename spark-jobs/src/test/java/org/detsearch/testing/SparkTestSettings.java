package org.detsearch.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Spark settings {@link LocalSpark} and {@link LocalClusterSpark} share: the jobs' own defaults (the
 * {@code spark-runtime.conf} block of reference.conf: Kryo with the ND4J-based registrator, the executors' time
 * source, ...) plus what tests need on top (no UI, loopback only, few shuffle partitions).
 */
public final class SparkTestSettings {
    /** dl4j-spark's default NTP time source queries a public pool, which this machine cannot reach. */
    public static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";
    public static final String SYSTEM_CLOCK_TIME_SOURCE = "org.deeplearning4j.spark.time.SystemClockTimeSource";

    /**
     * The JVM flags Spark 3.5 needs on Java 17 with Kryo and ND4J's registrator: the same list as the
     * {@code spark.java17.flags} property of the parent pom (surefire's argLine), which wins when passed to the
     * test JVM as a system property. LocalClusterSparkTest checks that this copy matches what surefire gave the JVM.
     */
    static final List<String> JAVA17_FLAGS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    private SparkTestSettings() {
    }

    /** The Java 17 flags for executor JVMs: the build's {@code spark.java17.flags} if passed in, else {@link #JAVA17_FLAGS}. */
    public static List<String> java17Flags() {
        String fromBuild = System.getProperty("spark.java17.flags");
        if (fromBuild == null || fromBuild.isBlank()) {
            return JAVA17_FLAGS;
        }
        // the pom's list ends with the time source, which executorJavaOptions() adds anyway
        return Arrays.stream(fromBuild.trim().split("\\s+"))
                .filter(flag -> !flag.startsWith("-D" + TIME_SOURCE_PROPERTY + "=")).toList();
    }

    /** Executor JVM options: the Java 17 flags and the system-clock time source. */
    public static String executorJavaOptions() {
        List<String> options = new ArrayList<>(java17Flags());
        options.add("-D" + TIME_SOURCE_PROPERTY + "=" + SYSTEM_CLOCK_TIME_SOURCE);
        return String.join(" ", options);
    }

    /** The time source for code that runs in this JVM (the driver, and local[N] executors). */
    public static void useSystemClockTimeSource() {
        System.setProperty(TIME_SOURCE_PROPERTY, SYSTEM_CLOCK_TIME_SOURCE);
    }

    /**
     * The jobs' defaults from reference.conf, then the test settings. Spark system properties are deliberately not
     * loaded ({@code new SparkConf(false)}), so one test's leftovers cannot change another's Spark.
     */
    static SparkConf conf(String master, String appName, int shufflePartitions) {
        SparkConf conf = new SparkConf(false).setMaster(master).setAppName(appName);
        Config jobDefaults = ConfigFactory.defaultReference().getConfig("spark-runtime.conf");
        for (Map.Entry<String, ConfigValue> entry : jobDefaults.entrySet()) {
            conf.set(entry.getKey().replace("\"", ""), String.valueOf(entry.getValue().unwrapped()));
        }
        return conf
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                // SPARK_LOCAL_IP (set by surefire) covers the rest of Spark's choice of interface
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
                // reference.conf says so too (with DetSearchKryoRegistrator, an Nd4jRegistrator); every test relies on it
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
                .set("spark.executor.extraJavaOptions", executorJavaOptions());
    }

    /**
     * A session on a context just created. {@code Builder.sparkContext} is Scala-{@code private[spark]} (public in
     * the bytecode), but the public {@code builder().getOrCreate()} logs "Using an existing SparkContext; some
     * configuration may not take effect" every time, which would send readers of a failing test's log astray.
     */
    static SparkSession session(SparkContext sc) {
        return SparkSession.builder().sparkContext(sc).getOrCreate();
    }
}

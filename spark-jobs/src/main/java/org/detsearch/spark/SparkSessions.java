package org.detsearch.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.detsearch.io.HadoopConf;

import java.util.Map;

/**
 * Creates the job's SparkSession. Under spark-submit the master and resources come from spark-submit; a plain
 * local run (submit-scripts/detsearch, tests) falls back to {@code spark-runtime.master}. Kryo with ND4J's
 * registrator is the default serializer because INDArrays travel between driver and executors in training.
 */
public final class SparkSessions {
    public static final String SECTION = "spark-runtime";

    private SparkSessions() {
    }

    /** dl4j-spark's default NTP time source queries a public pool, which clusters often cannot reach. */
    static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";

    public static SparkSession create(Config config, String appName) {
        if (System.getProperty(TIME_SOURCE_PROPERTY) == null) {
            System.setProperty(TIME_SOURCE_PROPERTY, "org.deeplearning4j.spark.time.SystemClockTimeSource");
        }
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(config.getString(SECTION + ".master"));
        }
        conf.setIfMissing("spark.app.name", appName);
        Config extra = config.getConfig(SECTION + ".conf");
        for (Map.Entry<String, ConfigValue> entry : extra.entrySet()) {
            conf.setIfMissing(entry.getKey().replace("\"", ""), String.valueOf(entry.getValue().unwrapped()));
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        HadoopConf.applyTo(config, spark.sparkContext().hadoopConfiguration());
        return spark;
    }
}

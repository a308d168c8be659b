package org.detsearch.io;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import org.apache.hadoop.conf.Configuration;

import java.util.Map;

/**
 * The job config's {@code hadoop} section as a Hadoop {@link Configuration}: every entry is copied verbatim
 * (e.g. {@code hadoop { "fs.s3a.endpoint" = "..." }}), so any Hadoop or s3a setting can be given in HOCON.
 */
public final class HadoopConf {
    public static final String SECTION = "hadoop";

    private HadoopConf() {
    }

    public static Configuration from(Config config) {
        Configuration conf = new Configuration();
        applyTo(config, conf);
        return conf;
    }

    /** Sets the section's entries on an existing configuration (e.g. Spark's), leaving its other settings. */
    public static void applyTo(Config config, Configuration conf) {
        if (config.hasPath(SECTION)) {
            for (Map.Entry<String, ConfigValue> entry : config.getConfig(SECTION).entrySet()) {
                // nested (fs.s3a.endpoint) and quoted ("fs.s3a.endpoint") keys name the same Hadoop setting
                conf.set(entry.getKey().replace("\"", ""), String.valueOf(entry.getValue().unwrapped()));
            }
        }
    }
}

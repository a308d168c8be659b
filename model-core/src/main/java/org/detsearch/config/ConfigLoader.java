package org.detsearch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;

import java.io.File;
import java.util.Map;

/**
 * Builds a job's configuration: {@code -Dkey=value} overrides, over the job file ({@code -c FILE}), over
 * every module's {@code reference.conf} (which Typesafe Config overlays with JVM system properties). {@code ${?ENV}} substitutions resolve
 * from the environment. Parse and resolve errors become {@link ConfigValidationException}s with the file and line.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static Config load(File jobFile, Map<String, String> overrides) {
        try {
            Config config = ConfigFactory.parseMap(overrides, "command-line -D overrides");
            if (jobFile != null) {
                if (!jobFile.isFile()) {
                    throw new ConfigValidationException("config file " + jobFile + " does not exist or is not a file", null);
                }
                config = config.withFallback(ConfigFactory.parseFile(jobFile, ConfigParseOptions.defaults().setAllowMissing(false)));
            }
            config = config.withFallback(ConfigFactory.defaultReference());
            return config.resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new ConfigValidationException("invalid configuration: " + e.getMessage(), e);
        }
    }
}

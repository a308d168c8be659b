package org.detsearch.cli;

import com.typesafe.config.Config;
import org.detsearch.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

/** The options every job shares: one HOCON file plus {@code -Dkey=value} overrides. */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "HOCON job file; unset keys keep their reference.conf defaults")
    File configFile;

    @Option(names = "-D", paramLabel = "key=value", mapFallbackValue = "",
            description = "Override one config key, e.g. -Dprepare.shard-size=64MB (repeatable)")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--verbose", description = "Print stack traces of errors")
    boolean verbose;

    /** Loads the config; {@code shorthands} (from a command's own options) win over -D and the file. */
    public Config load(Map<String, String> shorthands) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        shorthands.forEach((k, v) -> {
            if (v != null) {
                all.put(k, v);
            }
        });
        return ConfigLoader.load(configFile, all);
    }
}

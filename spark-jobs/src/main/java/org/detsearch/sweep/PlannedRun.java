package org.detsearch.sweep;

import org.detsearch.scaling.Trial;
import org.detsearch.scaling.TrialConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trial the driver hands to a task: its id, canonical config and labels as JSON text (cheap and exact to ship),
 * and which attempt this is (1 + the failed attempts before it).
 */
public record PlannedRun(String id, String configJson, String labelsJson, int attempt) {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public static PlannedRun of(Trial trial, int attempt) {
        try {
            return new PlannedRun(trial.id(), trial.config().canonicalJson(), JSON.writeValueAsString(trial.labels()), attempt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TrialConfig config() {
        TrialConfig config = TrialConfig.parse(configJson);
        if (!config.id().equals(id)) {
            throw new IllegalStateException("trial " + id + " arrived with the config of " + config.id());
        }
        return config;
    }

    public Map<String, String> labels() {
        try {
            return new TreeMap<>(JSON.readValue(labelsJson, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

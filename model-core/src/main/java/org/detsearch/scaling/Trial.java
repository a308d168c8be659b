package org.detsearch.scaling;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One planned trial: its content address, its config, and labels saying where it came from in the sweep (kind,
 * phi and rule, alpha/beta/gamma), which are reported but not hashed: the same trial reached two ways is one trial.
 */
public record Trial(String id, TrialConfig config, SortedMap<String, String> labels) {
    public Trial {
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        if (!id.equals(config.id())) {
            throw new IllegalArgumentException("trial id " + id + " is not its config's content address " + config.id());
        }
    }

    public static Trial of(TrialConfig config, SortedMap<String, String> labels) {
        return new Trial(config.id(), config, labels);
    }
}

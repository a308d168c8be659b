package org.detsearch.scaling;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** An architecture a sweep visits (every axis of its family) and labels saying how the sweep reached it. */
public record ArchitecturePoint(SortedMap<String, Object> architecture, SortedMap<String, String> labels) {
    public ArchitecturePoint {
        architecture = Collections.unmodifiableSortedMap(new TreeMap<>(architecture));
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }
}

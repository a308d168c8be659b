package org.detsearch.nn;

import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a custom layer in the order they sit in the layer's flat parameter view: name, shape and role
 * (weights take the layer's weight regularisation, biases its bias regularisation; {@code OTHER} neither).
 */
public record ParamLayout(List<Entry> entries) {
    public enum Role { WEIGHT, BIAS, OTHER }

    /** One parameter; its values fill the view in C order. */
    public record Entry(String name, long[] shape, Role role) {
        public Entry {
            shape = shape.clone();
            if (Arrays.stream(shape).anyMatch(s -> s < 1)) {
                throw new IllegalArgumentException("parameter " + name + " has a non-positive size: " + Arrays.toString(shape));
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long length() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    public ParamLayout {
        entries = List.copyOf(entries);
    }

    public long numParams() {
        return entries.stream().mapToLong(Entry::length).sum();
    }

    public Entry entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter " + name + " in " + names()));
    }

    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }
}

package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * The published networks by name, built for counting (what {@code model-info} reports). A backbone comes alone or,
 * given a number of classes, with its ImageNet-style classifier; each entry knows its usual input size and class
 * count (0 for backbones: no classifier).
 */
public final class ModelCatalog {
    /** A network of the catalog as a configuration, with the input it is counted at. */
    public record Network(String name, ComputationGraphConfiguration graph, InputType input) {
    }

    private record Entry(int defaultImageSize, int defaultClasses, IntFunction<Builder> builder) {
    }

    /** Adds a named network after an image input; returns its last vertex. */
    @FunctionalInterface
    private interface Builder {
        String addTo(ComputationGraphConfiguration.GraphBuilder graph, String input);
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        ENTRIES.put("resnet50", new Entry(224, 0, classes -> new ResNetBuilder(ResNetSpec.resnet50(classes))::addTo));
        ENTRIES.put("resnet101", new Entry(224, 0, classes -> new ResNetBuilder(ResNetSpec.resnet101(classes))::addTo));
    }

    private ModelCatalog() {
    }

    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * @param numClasses classifier outputs (0: the backbone alone); empty for the network's usual count
     * @param imageSize  square input side; empty for the network's usual one
     */
    public static Network build(String name, OptionalInt numClasses, OptionalInt imageSize) {
        Entry entry = ENTRIES.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", names()));
        }
        int classes = numClasses.orElse(entry.defaultClasses());
        int size = imageSize.orElse(entry.defaultImageSize());
        if (classes < 0 || size < 32) {
            throw new IllegalArgumentException("need classes >= 0 and an image size >= 32, got " + classes + " and " + size);
        }
        InputType input = InputType.convolutional(size, size, 3);
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input").setInputTypes(input);
        String last = entry.builder().apply(classes).addTo(graph, "input");
        return new Network(name, graph.setOutputs(last).build(), input);
    }
}

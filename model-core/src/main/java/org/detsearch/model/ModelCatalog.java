package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.EfficientNetBuilder;
import org.detsearch.backbone.EfficientNetSpec;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.nats.Genotype;
import org.detsearch.nats.TransformedBackbone;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The published networks by name, built for counting (what {@code model-info} reports): ResNet-50/101 and
 * ResNeXt-50/101 (optionally NATS-transformed by a genotype), EfficientNet-B0..B7 (each alone or, given a number of
 * classes, with its ImageNet-style classifier) and EfficientDet-D0..D7x (whole detectors; 90 COCO classes unless
 * told otherwise). Each entry knows its usual input size and class count.
 */
public final class ModelCatalog {
    /** A network of the catalog as a configuration, with the input it is counted at. */
    public record Network(String name, ComputationGraphConfiguration graph, InputType input) {
    }

    /** Builds the named network for an input side, a class count and (ResNets only) a genotype. */
    @FunctionalInterface
    private interface Factory {
        ComputationGraphConfiguration build(int size, int classes, Optional<Genotype> genotype);
    }

    private record Entry(int defaultImageSize, int defaultClasses, boolean transformable, Factory factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        for (String name : List.of("resnet50", "resnet101", "resnext50", "resnext101")) {
            ENTRIES.put(name, new Entry(224, 0, true, (size, classes, genotype) -> {
                ResNetSpec spec = ResNetSpec.named(name, classes);
                return backbone(genotype.<ResNetBuilder>map(g -> new TransformedBackbone(spec, g)).orElseGet(() -> new ResNetBuilder(spec)), size);
            }));
        }
        for (int b = 0; b <= 7; b++) {
            EfficientNetSpec spec = EfficientNetSpec.named("efficientnet-b" + b);
            ENTRIES.put(spec.name(), new Entry(spec.resolution(), 0, false,
                    (size, classes, genotype) -> backbone(new EfficientNetBuilder(spec.withNumClasses(classes)), size)));
        }
        for (String d : List.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d7x")) {
            EfficientDetSpec spec = EfficientDetSpec.named("efficientdet-" + d);
            ENTRIES.put(spec.name(), new Entry(spec.imageSize(), spec.numClasses(), false, (size, classes, genotype) ->
                    spec.withNumClasses(classes).withImageSize(size).graph(new TrainingSettings(new NoOp(), 0, 1, 0))));
        }
    }

    private ModelCatalog() {
    }

    private static ComputationGraphConfiguration backbone(Backbone backbone, int size) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs(DetectorSpec.INPUT).setInputTypes(InputType.convolutional(size, size, 3));
        return graph.setOutputs(backbone.addTo(graph, DetectorSpec.INPUT)).build();
    }

    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * @param numClasses classifier outputs (backbones: 0 = none); empty for the network's usual count
     * @param imageSize  square input side; empty for the network's usual one
     * @param genotype   a NATS genotype transforming a ResNet/ResNeXt's searched convolutions
     */
    public static Network build(String name, OptionalInt numClasses, OptionalInt imageSize, Optional<Genotype> genotype) {
        Entry entry = ENTRIES.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", names()));
        }
        if (genotype.isPresent() && !entry.transformable()) {
            throw new IllegalArgumentException("a genotype transforms a ResNet or ResNeXt, not " + name);
        }
        int classes = numClasses.orElse(entry.defaultClasses());
        int size = imageSize.orElse(entry.defaultImageSize());
        if (classes < 0 || size < 32) {
            throw new IllegalArgumentException("need classes >= 0 and an image size >= 32, got " + classes + " and " + size);
        }
        return new Network(name, entry.factory().build(size, classes, genotype), InputType.convolutional(size, size, 3));
    }

    public static Network build(String name, OptionalInt numClasses, OptionalInt imageSize) {
        return build(name, numClasses, imageSize, Optional.empty());
    }
}

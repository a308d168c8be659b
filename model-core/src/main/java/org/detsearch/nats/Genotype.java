package org.detsearch.nats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of a search: for every searched convolution the dilations kept and the output channels each gets
 * (PAPERS 1.6), plus the softmax of its alpha for inspection. As {@code genotype.json}:
 * <pre>
 * {"backbone": "resnet50", "layers": [{"name": "res3a_branch2b", "stage": 3, "channels": 128,
 *   "kept": [{"dilation": "1", "channels": 64}, {"dilation": "1x3", "channels": 64}],
 *   "candidates": ["1", "2", "3", "1x3", "3x1"], "softmax": [[0.4, 0.1, ...], ...]}, ...]}
 * </pre>
 */
public record Genotype(String backbone, List<Layer> layers) implements java.io.Serializable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A dilation kept in a layer and the output channels it computes. */
    public record Kept(Dilation dilation, int channels) implements java.io.Serializable {
        public Kept {
            if (channels < 1) {
                throw new IllegalArgumentException("a kept dilation needs at least one channel, got " + channels + " for " + dilation);
            }
        }
    }

    /**
     * One transformed convolution: its kept dilations in candidate order, their channels summing to the layer's;
     * {@code softmax} [N][|G|] is the search's final softmax(alpha) (empty when the genotype was written by hand).
     */
    public record Layer(String name, int stage, int channels, List<Kept> kept, List<Dilation> candidates, double[][] softmax)
            implements java.io.Serializable {
        public Layer {
            kept = List.copyOf(kept);
            candidates = List.copyOf(candidates);
            softmax = softmax == null ? new double[0][] : softmax.clone();
            if (kept.isEmpty() || kept.stream().mapToInt(Kept::channels).sum() != channels) {
                throw new IllegalArgumentException(name + ": the kept dilations' channels " + kept
                        + " must sum to the layer's " + channels);
            }
            if (new HashSet<>(kept.stream().map(Kept::dilation).toList()).size() != kept.size()) {
                throw new IllegalArgumentException(name + ": a dilation is kept twice: " + kept);
            }
            for (double[] row : softmax) {
                if (row.length != candidates.size()) {
                    throw new IllegalArgumentException(name + ": a softmax row has " + row.length + " values for "
                            + candidates.size() + " candidates");
                }
            }
        }

        /** Value equality, the softmax included (a record compares arrays by reference). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Layer l && name.equals(l.name) && stage == l.stage && channels == l.channels
                    && kept.equals(l.kept) && candidates.equals(l.candidates) && java.util.Arrays.deepEquals(softmax, l.softmax);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, stage, channels, kept, candidates, java.util.Arrays.deepHashCode(softmax));
        }

        public int[] segmentChannels() {
            return kept.stream().mapToInt(Kept::channels).toArray();
        }

        public int[][] segmentDilations() {
            return kept.stream().map(k -> new int[] {k.dilation().h(), k.dilation().w()}).toArray(int[][]::new);
        }
    }

    public Genotype {
        layers = List.copyOf(layers);
        if (layers.stream().map(Layer::name).distinct().count() != layers.size()) {
            throw new IllegalArgumentException("a layer appears twice in the genotype");
        }
    }

    public Optional<Layer> layer(String name) {
        return Optional.ofNullable(byName().get(name));
    }

    private Map<String, Layer> byName() {
        return layers.stream().collect(Collectors.toMap(Layer::name, Function.identity()));
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a {@code genotype.json} from any Hadoop path. */
    public static Genotype read(org.detsearch.io.HadoopFiles files, org.apache.hadoop.fs.Path file) throws IOException {
        try (java.io.InputStream in = files.open(file)) {
            return fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code genotype.json}; a malformed or inconsistent file is an error saying what is wrong. */
    public static Genotype fromJson(String json) {
        try {
            return JSON.readValue(json, Genotype.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid genotype: " + e.getMessage(), e);
        }
    }
}

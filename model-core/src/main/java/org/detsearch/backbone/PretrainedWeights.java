package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pretrained weights, layer by layer and parameter by parameter, loaded into a network BY LAYER NAME: from a DL4J
 * model zip (the format of DL4J's zoo ResNet50 ImageNet weights) or from a Keras HDF5 model file through DL4J's
 * Keras import (for the models it supports). A layer of the target that the source has must match it exactly (every
 * parameter, every shape); layers the backbone needs ({@code required}) must be in the source; any mismatch is an
 * error listing every offending layer, raised before anything is copied (never a partial load). Target layers
 * outside {@code required} that the source lacks (a detector's neck and heads) are left at their initialisation and
 * reported, as are the source's layers the target does not use (an ImageNet classifier).
 * <p>
 * Batch-norm variances convert between DL4J's two forms (variance, or log10 of the standard deviation: DL4J's
 * default for new layers, {@code log10stdev = log10(var) / 2}); a layer implementing {@link LoadsPretrainedParameters}
 * (the NATS supernet's convolution) takes the plain layer's parameters its own way.
 */
public final class PretrainedWeights {
    /** DL4J's zoo ResNet50 names its stem differently from Keras; its blocks use Keras' names. */
    public static final Map<String, String> DL4J_ZOO_RESNET50_NAMES = Map.of("stem-cnn1", "conv1", "stem-batch1", "bn_conv1");

    private static final String VARIANCE = "var";
    private static final String LOG10_STD = "log10stdev";

    private final String source;
    private final Map<String, Map<String, INDArray>> layers;

    private PretrainedWeights(String source, Map<String, Map<String, INDArray>> layers) {
        this.source = source;
        this.layers = layers;
    }

    /** The weights of a network in memory, by layer (vertex) name. */
    public static PretrainedWeights of(ComputationGraph net, String description) {
        Map<String, Map<String, INDArray>> layers = new LinkedHashMap<>();
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex vertex : net.getVertices()) {
            if (vertex.hasLayer() || vertex.numParams() > 0) {
                Map<String, INDArray> params = vertex.paramTable(false);
                if (params != null && !params.isEmpty()) {
                    layers.put(vertex.getVertexName(), new LinkedHashMap<>(params));
                }
            }
        }
        return new PretrainedWeights(description, layers);
    }

    /** A DL4J ComputationGraph zip ({@code ModelSerializer}), e.g. DL4J's zoo ResNet50 ImageNet weights. */
    public static PretrainedWeights fromModelZip(Path zip) throws IOException {
        try {
            return of(ModelSerializer.restoreComputationGraph(zip.toFile(), false), zip.toString());
        } catch (RuntimeException e) {
            throw new IOException(zip + " is not a DL4J ComputationGraph zip: " + e.getMessage(), e);
        }
    }

    /**
     * A Keras HDF5 model file (configuration and weights: {@code model.save()}) through DL4J's Keras import, which
     * supports Keras' functional ResNet50 layers (Conv2D, BatchNormalization, ZeroPadding2D, MaxPooling2D, Add, ...);
     * a model it cannot import is an error saying why.
     */
    public static PretrainedWeights fromKerasHdf5(Path h5) throws IOException {
        try {
            return of(KerasModelImport.importKerasModelAndWeights(h5.toString(), false), h5.toString());
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException | RuntimeException e) {
            throw new IOException("DL4J's Keras import cannot read " + h5 + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Keras model's JSON ({@code model.to_json()}) and its weights file ({@code model.save_weights()}), the form in
     * which Keras' applications publish ImageNet weights; read through DL4J's Keras import.
     */
    public static PretrainedWeights fromKeras(Path modelJson, Path weightsH5) throws IOException {
        try {
            return of(KerasModelImport.importKerasModelAndWeights(modelJson.toString(), weightsH5.toString(), false),
                    weightsH5.toString());
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException | RuntimeException e) {
            throw new IOException("DL4J's Keras import cannot read " + modelJson + " with " + weightsH5 + ": " + e.getMessage(), e);
        }
    }

    /**
     * Weights from a file on any Hadoop path, by its extension: {@code .zip} a DL4J model zip, {@code .h5} /
     * {@code .hdf5} a Keras model file; or {@code dl4j-zoo:resnet50}, DL4J's zoo ImageNet weights ({@link #fromDl4jZoo}). A zip with DL4J zoo ResNet50's stem names gets Keras' names
     * ({@link #DL4J_ZOO_RESNET50_NAMES}), so the zoo's ImageNet weights load into DetSearch's ResNets as they are.
     */
    public static PretrainedWeights read(org.detsearch.io.HadoopFiles files, String location) throws IOException {
        if (location.startsWith(ZOO_SCHEME + ":")) {
            return fromDl4jZoo(location.substring(ZOO_SCHEME.length() + 1));
        }
        org.apache.hadoop.fs.Path file = files.qualify(location);
        String name = file.getName().toLowerCase(java.util.Locale.ROOT);
        boolean zip = name.endsWith(".zip");
        if (!zip && !name.endsWith(".h5") && !name.endsWith(".hdf5")) {
            throw new IOException("pretrained weights must be a DL4J model zip (.zip) or a Keras model file (.h5, .hdf5): " + file);
        }
        Path local = java.nio.file.Files.createTempFile("detsearch-pretrained", zip ? ".zip" : ".h5");
        try {
            try (java.io.InputStream in = files.open(file)) {
                java.nio.file.Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            PretrainedWeights weights = zip ? fromModelZip(local) : fromKerasHdf5(local);
            PretrainedWeights named = weights.layerNames().containsAll(DL4J_ZOO_RESNET50_NAMES.keySet())
                    ? weights.renamed(DL4J_ZOO_RESNET50_NAMES) : weights;
            return new PretrainedWeights(file.toString(), named.layers);
        } finally {
            java.nio.file.Files.deleteIfExists(local);
        }
    }

    /** {@code dl4j-zoo:resnet50}: DL4J's zoo weights, downloaded once into DL4J's cache folder. */
    public static final String ZOO_SCHEME = "dl4j-zoo";

    /**
     * DL4J's zoo ImageNet weights by model name ({@code resnet50}): the zoo downloads them once (into
     * {@code ~/.deeplearning4j}, checksum verified) and reads them from there afterwards; the stem is renamed as in
     * {@link #read}.
     */
    public static PretrainedWeights fromDl4jZoo(String model) throws IOException {
        if (!model.equals("resnet50")) {
            throw new IOException("DL4J's zoo has ImageNet weights DetSearch can use for resnet50 only, not " + model);
        }
        org.deeplearning4j.nn.api.Model zoo = org.deeplearning4j.zoo.model.ResNet50.builder().build()
                .initPretrained(org.deeplearning4j.zoo.PretrainedType.IMAGENET);
        return of((ComputationGraph) zoo, ZOO_SCHEME + ":" + model).renamed(DL4J_ZOO_RESNET50_NAMES);
    }

    /** The same weights with layers renamed ({@code old -> new}; others keep their names). */
    public PretrainedWeights renamed(Map<String, String> names) {
        Map<String, Map<String, INDArray>> renamed = new LinkedHashMap<>();
        layers.forEach((name, params) -> renamed.put(names.getOrDefault(name, name), params));
        return new PretrainedWeights(source, renamed);
    }

    public Set<String> layerNames() {
        return layers.keySet();
    }

    /** The parametrised layers a backbone adds to a graph: what {@link #loadInto} requires for it. */
    public static Set<String> layersOf(Backbone backbone) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(224, 224, 3));
        ComputationGraphConfiguration conf = graph.setOutputs(backbone.addTo(graph, "input")).build();
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            if (entry.getValue() instanceof LayerVertex v && v.getLayerConf().getLayer().initializer().numParams(v.getLayerConf().getLayer()) > 0) {
                names.add(entry.getKey());
            }
        }
        return names;
    }

    /**
     * Copies the weights into {@code target}'s layers of the same names.
     *
     * @param required layers that must be in the source (the backbone's, see {@link #layersOf})
     * @throws PretrainedWeightsMismatchException listing every missing layer and mismatched parameter; then nothing
     *                                            was copied
     */
    public PretrainedLoadReport loadInto(ComputationGraph target, Collection<String> required) {
        List<String> problems = new ArrayList<>();
        List<String> loaded = new ArrayList<>();
        List<String> leftAtInitialisation = new ArrayList<>();
        List<String> ownParameters = new ArrayList<>();
        List<Runnable> copies = new ArrayList<>();
        Map<String, Map<String, INDArray>> targetLayers = of(target, "target").layers;
        for (String name : required) {
            if (!targetLayers.containsKey(name)) {
                problems.add(name + ": required, but the target network has no such layer");
            }
        }
        for (Map.Entry<String, Map<String, INDArray>> layer : targetLayers.entrySet()) {
            String name = layer.getKey();
            Map<String, INDArray> sourceParams = layers.get(name);
            if (sourceParams == null) {
                if (required.contains(name)) {
                    problems.add(name + ": missing from the source");
                } else {
                    leftAtInitialisation.add(name);
                }
                continue;
            }
            Layer conf = target.getLayer(name) == null ? null : target.getLayer(name).conf().getLayer();
            Set<String> own = conf instanceof LoadsPretrainedParameters custom ? custom.ownParameters() : Set.of();
            int before = problems.size();
            Set<String> used = new LinkedHashSet<>();
            for (Map.Entry<String, INDArray> param : layer.getValue().entrySet()) {
                if (own.contains(param.getKey())) {
                    ownParameters.add(name + " " + param.getKey());
                    continue;
                }
                String sourceKey = sourceKey(sourceParams, param.getKey());
                if (sourceKey == null) {
                    problems.add(name + ": no parameter " + param.getKey() + " in the source (it has " + sourceParams.keySet() + ")");
                    continue;
                }
                used.add(sourceKey);
                INDArray value = converted(sourceParams.get(sourceKey), sourceKey, param.getKey());
                INDArray into = param.getValue();
                if (conf instanceof LoadsPretrainedParameters custom) {
                    INDArray scratch = into.dup();
                    if (custom.loadPretrained(param.getKey(), value, scratch)) {
                        copies.add(() -> into.assign(scratch));
                    } else {
                        problems.add(name + ": parameter " + param.getKey() + " " + Arrays.toString(value.shape())
                                + " does not fit " + Arrays.toString(into.shape()));
                    }
                } else if (sameShape(value, into)) {
                    copies.add(() -> into.assign(value.reshape(into.shape())));
                } else {
                    problems.add(name + ": parameter " + param.getKey() + " has shape " + Arrays.toString(value.shape())
                            + " in the source, " + Arrays.toString(into.shape()) + " in the target");
                }
            }
            for (String extra : sourceParams.keySet()) {
                if (!used.contains(extra)) {
                    problems.add(name + ": the source has parameter " + extra + ", the target layer does not");
                }
            }
            if (problems.size() == before) {
                loaded.add(name);
            }
        }
        if (!problems.isEmpty()) {
            throw new PretrainedWeightsMismatchException(source, problems);
        }
        copies.forEach(Runnable::run);
        List<String> unused = layers.keySet().stream().filter(n -> !targetLayers.containsKey(n)).toList();
        return new PretrainedLoadReport(source, loaded, leftAtInitialisation, ownParameters, unused);
    }

    /** The source's key for a target parameter: the same name, or the other form of a batch-norm variance. */
    private static String sourceKey(Map<String, INDArray> sourceParams, String targetKey) {
        if (sourceParams.containsKey(targetKey)) {
            return targetKey;
        }
        if (targetKey.equals(LOG10_STD) && sourceParams.containsKey(VARIANCE)) {
            return VARIANCE;
        }
        if (targetKey.equals(VARIANCE) && sourceParams.containsKey(LOG10_STD)) {
            return LOG10_STD;
        }
        return null;
    }

    private static INDArray converted(INDArray value, String sourceKey, String targetKey) {
        if (sourceKey.equals(VARIANCE) && targetKey.equals(LOG10_STD)) {
            return Transforms.log(value, 10, true).muli(0.5);
        }
        if (sourceKey.equals(LOG10_STD) && targetKey.equals(VARIANCE)) {
            INDArray std = Transforms.pow(value.ulike().assign(10), value, false);
            return std.muli(std);
        }
        return value;
    }

    /** Equal shapes, a vector [n] counting as [1, n] (DL4J keeps biases either way). */
    private static boolean sameShape(INDArray a, INDArray b) {
        return Arrays.equals(a.shape(), b.shape())
                || (a.length() == b.length() && a.rank() <= 2 && b.rank() <= 2 && a.isVectorOrScalar() && b.isVectorOrScalar());
    }
}

package org.detsearch.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.H5Location;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5S_SCALAR;

/**
 * Writes a DetSearch ResNet (Keras layout) as the files Keras 2.2.4 writes for a functional model, without Keras:
 * the model's JSON ({@code model.to_json()}) and HDF5 through HDF5's own Java bindings (JavaCPP's, the ones DL4J's
 * import reads with), either the whole model ({@code model.save()}: {@code model_config}, {@code keras_version},
 * {@code backend} attributes and the weights under {@code model_weights}) or the weights alone
 * ({@code model.save_weights()}: one group per layer at the root). Layout per layer: a group with a
 * {@code weight_names} attribute ("conv1/kernel:0", ...) and the datasets in a subgroup of the layer's name; kernels
 * in TensorFlow's [kh, kw, in, out], channels last, float32.
 */
final class KerasFiles {
    private KerasFiles() {
    }

    /** The Keras functional-model JSON of {@code conf} (a backbone graph with input "input"), channels last. */
    static String modelJson(ComputationGraphConfiguration conf, int imageSize) throws Exception {
        List<Map<String, Object>> layers = new ArrayList<>();
        layers.add(layer("input", "InputLayer", Map.of("batch_input_shape", java.util.Arrays.asList(null, imageSize, imageSize, 3),
                "dtype", "float32", "sparse", false), List.of()));
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            List<String> inputs = conf.getVertexInputs().get(entry.getKey());
            layers.add(kerasLayer(entry.getKey(), entry.getValue(), inputs));
        }
        String output = conf.getNetworkOutputs().get(0);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", "detsearch_resnet");
        config.put("layers", layers);
        config.put("input_layers", List.of(List.of("input", 0, 0)));
        config.put("output_layers", List.of(List.of(output, 0, 0)));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("class_name", "Model");
        model.put("config", config);
        model.put("keras_version", "2.2.4");
        model.put("backend", "tensorflow");
        return new ObjectMapper().writeValueAsString(model);
    }

    private static Map<String, Object> layer(String name, String className, Map<String, Object> config, List<String> inputs) {
        Map<String, Object> c = new LinkedHashMap<>(config);
        c.put("name", name);
        c.put("trainable", true);
        List<Object> nodes = new ArrayList<>();
        for (String input : inputs) {
            nodes.add(java.util.Arrays.asList(input, 0, 0, Map.of()));
        }
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("name", name);
        layer.put("class_name", className);
        layer.put("config", c);
        layer.put("inbound_nodes", inputs.isEmpty() ? List.of() : List.of(nodes));
        return layer;
    }

    private static Map<String, Object> initializer(String className) {
        return Map.of("class_name", className, "config", Map.of());
    }

    private static Map<String, Object> kerasLayer(String name, GraphVertex vertex, List<String> inputs) {
        if (vertex instanceof ElementWiseVertex) {
            return layer(name, "Add", Map.of(), inputs);
        }
        Layer l = ((LayerVertex) vertex).getLayerConf().getLayer();
        Map<String, Object> c = new LinkedHashMap<>();
        if (l instanceof ZeroPaddingLayer pad) {
            int[] p = pad.getPadding();
            c.put("padding", List.of(List.of(p[0], p[1]), List.of(p[2], p[3])));
            c.put("data_format", "channels_last");
            return layer(name, "ZeroPadding2D", c, inputs);
        }
        if (l instanceof ConvolutionLayer conv) {
            c.put("filters", conv.getNOut());
            c.put("kernel_size", List.of(conv.getKernelSize()[0], conv.getKernelSize()[1]));
            c.put("strides", List.of(conv.getStride()[0], conv.getStride()[1]));
            // explicit symmetric padding of (k - 1) / 2 at stride 1 is Keras' "same"
            c.put("padding", conv.getPadding()[0] == 0 ? "valid" : "same");
            c.put("data_format", "channels_last");
            c.put("dilation_rate", List.of(1, 1));
            c.put("activation", "linear");
            c.put("use_bias", true);
            c.put("kernel_initializer", initializer("GlorotUniform"));
            c.put("bias_initializer", initializer("Zeros"));
            for (String none : new String[] {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"}) {
                c.put(none, null);
            }
            return layer(name, "Conv2D", c, inputs);
        }
        if (l instanceof BatchNormalization bn) {
            c.put("axis", 3);
            c.put("momentum", 0.99);
            c.put("epsilon", bn.getEps());
            c.put("center", true);
            c.put("scale", true);
            c.put("beta_initializer", initializer("Zeros"));
            c.put("gamma_initializer", initializer("Ones"));
            c.put("moving_mean_initializer", initializer("Zeros"));
            c.put("moving_variance_initializer", initializer("Ones"));
            for (String none : new String[] {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"}) {
                c.put(none, null);
            }
            return layer(name, "BatchNormalization", c, inputs);
        }
        if (l instanceof ActivationLayer) {
            c.put("activation", "relu");
            return layer(name, "Activation", c, inputs);
        }
        if (l instanceof SubsamplingLayer pool) {
            c.put("pool_size", List.of(pool.getKernelSize()[0], pool.getKernelSize()[1]));
            c.put("strides", List.of(pool.getStride()[0], pool.getStride()[1]));
            c.put("padding", "valid");
            c.put("data_format", "channels_last");
            return layer(name, "MaxPooling2D", c, inputs);
        }
        if (l instanceof GlobalPoolingLayer) {
            c.put("data_format", "channels_last");
            return layer(name, "GlobalAveragePooling2D", c, inputs);
        }
        if (l instanceof OutputLayer out) {
            c.put("units", out.getNOut());
            c.put("activation", "softmax");
            c.put("use_bias", true);
            c.put("kernel_initializer", initializer("GlorotUniform"));
            c.put("bias_initializer", initializer("Zeros"));
            for (String none : new String[] {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"}) {
                c.put(none, null);
            }
            return layer(name, "Dense", c, inputs);
        }
        throw new IllegalArgumentException("no Keras layer for " + name + " (" + l.getClass().getSimpleName() + ")");
    }

    /** Keras' weights of each parametrised layer, in Keras' order and layout. */
    static Map<String, Map<String, INDArray>> kerasWeights(ComputationGraph net) {
        Map<String, Map<String, INDArray>> weights = new LinkedHashMap<>();
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            Layer conf = layer.conf().getLayer();
            Map<String, INDArray> p = layer.paramTable();
            Map<String, INDArray> k = new LinkedHashMap<>();
            if (conf instanceof ConvolutionLayer) {
                k.put("kernel:0", p.get("W").permute(2, 3, 1, 0));
                k.put("bias:0", p.get("b"));
            } else if (conf instanceof BatchNormalization) {
                k.put("gamma:0", p.get("gamma"));
                k.put("beta:0", p.get("beta"));
                k.put("moving_mean:0", p.get("mean"));
                INDArray std = Nd4j.valueArrayOf(p.get("log10stdev").shape(), 10.0, p.get("log10stdev").dataType());
                std = org.nd4j.linalg.ops.transforms.Transforms.pow(std, p.get("log10stdev"), false);
                k.put("moving_variance:0", std.mul(std));
            } else if (conf instanceof OutputLayer) {
                k.put("kernel:0", p.get("W"));
                k.put("bias:0", p.get("b"));
            } else {
                continue;
            }
            weights.put(conf.getLayerName(), k);
        }
        return weights;
    }

    /** {@code model.save()}: configuration and weights in one HDF5 file. */
    static void writeModel(Path file, String modelJson, Map<String, Map<String, INDArray>> weights) {
        H5File h5 = new H5File(file.toString(), H5F_ACC_TRUNC());
        try {
            stringAttribute(h5, "model_config", modelJson);
            stringAttribute(h5, "keras_version", "2.2.4");
            stringAttribute(h5, "backend", "tensorflow");
            Group root = h5.createGroup("model_weights");
            writeLayers(root, weights);
            root._close();
        } finally {
            h5._close();
        }
    }

    /** {@code model.save_weights()}: the layer groups at the root. */
    static void writeWeights(Path file, Map<String, Map<String, INDArray>> weights) {
        H5File h5 = new H5File(file.toString(), H5F_ACC_TRUNC());
        try {
            stringAttribute(h5, "keras_version", "2.2.4");
            stringAttribute(h5, "backend", "tensorflow");
            stringArrayAttribute(h5, "layer_names", new ArrayList<>(weights.keySet()));
            writeLayers(h5, weights);
        } finally {
            h5._close();
        }
    }

    private static void writeLayers(H5Location root, Map<String, Map<String, INDArray>> weights) {
        for (Map.Entry<String, Map<String, INDArray>> layer : weights.entrySet()) {
            Group group = root.createGroup(layer.getKey());
            List<String> names = layer.getValue().keySet().stream().map(n -> layer.getKey() + "/" + n).toList();
            stringArrayAttribute(group, "weight_names", names);
            Group inner = group.createGroup(layer.getKey());
            for (Map.Entry<String, INDArray> w : layer.getValue().entrySet()) {
                INDArray a = w.getValue().castTo(DataType.FLOAT).dup('c');
                DataSpace space = new DataSpace(a.rank(), a.shape());
                DataSet ds = inner.createDataSet(w.getKey(), PredType.NATIVE_FLOAT(), space);
                ds.write(new FloatPointer(a.data().asFloat()), PredType.NATIVE_FLOAT());
                ds._close();
                space._close();
            }
            inner._close();
            group._close();
        }
    }

    /** A fixed-length string attribute, as h5py writes Python bytes (what Keras gives it). */
    private static void stringAttribute(org.bytedeco.hdf5.H5Object target, String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StrType type = new StrType(PredType.C_S1(), bytes.length);
        DataSpace scalar = new DataSpace(H5S_SCALAR);
        Attribute attribute = target.createAttribute(name, type, scalar);
        attribute.write(type, new BytePointer(bytes));
        attribute._close();
        scalar._close();
    }

    /** An array of fixed-length, NUL-padded strings. */
    private static void stringArrayAttribute(org.bytedeco.hdf5.H5Object target, String name, List<String> values) {
        int width = values.stream().mapToInt(v -> v.getBytes(StandardCharsets.UTF_8).length).max().orElse(0) + 1;
        byte[] bytes = new byte[width * values.size()];
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(v, 0, bytes, i * width, v.length);
        }
        StrType type = new StrType(PredType.C_S1(), width);
        DataSpace space = new DataSpace(1, new long[] {values.size()});
        Attribute attribute = target.createAttribute(name, type, space);
        attribute.write(type, new BytePointer(bytes));
        attribute._close();
        space._close();
    }
}

package org.detsearch.model;

import org.detsearch.nn.GemmConvolution2D;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiply-adds of one forward pass for one example, counted from a graph configuration, as detection papers
 * count "FLOPs" (torchvision's and the EfficientDet test's multiply-adds): each multiplication of a weight with
 * an input that is added into an output counts once.
 * <ul>
 * <li>convolution: out_h x out_w x out_c x k_h x k_w x in_c / groups; depthwise: out_h x out_w x in_c x m x
 * k_h x k_w; separable: the depthwise part plus the pointwise out_h x out_w x in_c x m x out_c; transposed
 * convolution: in_h x in_w x in_c x k_h x k_w x out_c; dense: n_in x n_out;</li>
 * <li>biases, batch norm, activations, pooling, resampling and element-wise vertices: 0 (a batch norm folds into
 * the convolution before it at inference);</li>
 * <li>custom layers and vertices: what they report through {@link CountsMultiplyAdds}.</li>
 * </ul>
 * A parametrised layer of a kind not listed is an error (a count must never silently miss a layer).
 *
 * @param perVertex multiply-adds of each vertex that has any, in topological order
 */
public record MultiplyAdds(long total, Map<String, Long> perVertex) {
    public MultiplyAdds {
        perVertex = Collections.unmodifiableMap(new LinkedHashMap<>(perVertex));
    }

    /** Counts {@code conf} for inputs of the given types (one per network input, in order). */
    public static MultiplyAdds of(ComputationGraphConfiguration conf, InputType... inputTypes) {
        ComputationGraphConfiguration copy = conf.clone();
        Map<String, InputType> outputs = copy.getLayerActivationTypes(inputTypes);
        Map<String, Long> perVertex = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, InputType> entry : outputs.entrySet()) {
            GraphVertex vertex = copy.getVertices().get(entry.getKey());
            if (vertex == null) {
                continue; // a network input
            }
            List<InputType> inputs = new ArrayList<>();
            for (String input : copy.getVertexInputs().get(entry.getKey())) {
                inputs.add(outputs.get(input));
            }
            long count = count(entry.getKey(), vertex, entry.getValue(), inputs);
            if (count > 0) {
                perVertex.put(entry.getKey(), count);
                total += count;
            }
        }
        return new MultiplyAdds(total, perVertex);
    }

    private static long count(String name, GraphVertex vertex, InputType output, List<InputType> inputs) {
        if (vertex instanceof CountsMultiplyAdds custom) {
            return custom.multiplyAdds(output, inputs.toArray(InputType[]::new));
        }
        if (!(vertex instanceof LayerVertex layerVertex)) {
            return 0;
        }
        Layer layer = layerVertex.getLayerConf().getLayer();
        if (layer instanceof CountsMultiplyAdds custom) {
            return custom.multiplyAdds(output, inputs.toArray(InputType[]::new));
        }
        InputType input = layerVertex.getPreProcessor() == null ? inputs.get(0)
                : layerVertex.getPreProcessor().getOutputType(inputs.get(0));
        if (layer instanceof ConvolutionLayer conv) {
            return convolution(name, conv, (InputType.InputTypeConvolutional) input, (InputType.InputTypeConvolutional) output);
        }
        if (layer instanceof BatchNormalization || !(layer instanceof BaseLayer) || layer.initializer().numParams(layer) == 0) {
            return 0;
        }
        if (layer instanceof FeedForwardLayer dense && input.getType() == InputType.Type.FF) {
            return dense.getNIn() * dense.getNOut();
        }
        throw new IllegalArgumentException("cannot count the multiply-adds of " + name + " ("
                + layer.getClass().getSimpleName() + "): implement CountsMultiplyAdds or add a rule");
    }

    private static long convolution(String name, ConvolutionLayer conv, InputType.InputTypeConvolutional in,
                                    InputType.InputTypeConvolutional out) {
        long kernel = (long) conv.getKernelSize()[0] * conv.getKernelSize()[1];
        long outPositions = out.getHeight() * out.getWidth();
        if (conv instanceof SeparableConvolution2D separable) {
            long depthwise = in.getChannels() * separable.getDepthMultiplier();
            return outPositions * depthwise * kernel + outPositions * depthwise * out.getChannels();
        }
        if (conv instanceof DepthwiseConvolution2D) {
            return outPositions * out.getChannels() * kernel;
        }
        if (conv instanceof Deconvolution2D) {
            return in.getHeight() * in.getWidth() * in.getChannels() * kernel * out.getChannels();
        }
        if (conv.getClass() != ConvolutionLayer.class && !(conv instanceof org.deeplearning4j.nn.conf.layers.Convolution2D)
                && !(conv instanceof GemmConvolution2D)) {
            throw new IllegalArgumentException("cannot count the multiply-adds of " + name + " ("
                    + conv.getClass().getSimpleName() + "): implement CountsMultiplyAdds or add a rule");
        }
        return outPositions * out.getChannels() * kernel * in.getChannels();
    }
}

package org.detsearch.nn;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J's parameter initializer for any {@link HasParamLayout} layer: cuts the layer's flat parameter (and gradient)
 * view into one C-order view per parameter, in layout order, which is also the order DL4J's updater walks them
 * (it assumes the parameter table's order is the flat order). Stateless.
 */
public final class LayoutParamInitializer implements ParamInitializer {
    public static final LayoutParamInitializer INSTANCE = new LayoutParamInitializer();

    private LayoutParamInitializer() {
    }

    private static ParamLayout layout(Layer layer) {
        return ((HasParamLayout) layer).paramLayout();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return layout(layer).numParams();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return layout(layer).names();
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return keys(layer, ParamLayout.Role.WEIGHT);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return keys(layer, ParamLayout.Role.BIAS);
    }

    private static List<String> keys(Layer layer, ParamLayout.Role role) {
        return layout(layer).entries().stream().filter(e -> e.role() == role).map(ParamLayout.Entry::name).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> views = views(conf.getLayer(), paramsView);
        HasParamLayout layer = (HasParamLayout) conf.getLayer();
        for (Map.Entry<String, INDArray> view : views.entrySet()) {
            conf.addVariable(view.getKey());
            if (initializeParams) {
                layer.initialiseParam(view.getKey(), view.getValue());
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(Layer layer, INDArray flat) {
        ParamLayout layout = layout(layer);
        if (flat.length() != layout.numParams()) {
            throw new IllegalArgumentException("layer " + layer.getLayerName() + " has " + layout.numParams()
                    + " parameters, got a view of " + flat.length());
        }
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (ParamLayout.Entry entry : layout.entries()) {
            views.put(entry.name(), vector.get(NDArrayIndex.interval(offset, offset + entry.length())).reshape('c', entry.shape()));
            offset += entry.length();
        }
        return views;
    }
}

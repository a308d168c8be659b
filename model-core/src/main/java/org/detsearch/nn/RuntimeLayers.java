package org.detsearch.nn;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** What every layer configuration's {@code instantiate} does to its runtime layer, as DL4J's own layers do it. */
final class RuntimeLayers {
    private RuntimeLayers() {
    }

    static <L extends BaseLayer<?>> L wire(L layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                           int layerIndex, INDArray paramsView, ParamInitializer initializer,
                                           boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}

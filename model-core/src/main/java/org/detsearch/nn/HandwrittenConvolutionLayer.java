package org.detsearch.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/** The runtime side of a {@link HandwrittenConvolution}: a convolutional layer, bias as configured, no pretraining. */
public abstract class HandwrittenConvolutionLayer<C extends HandwrittenConvolution> extends BaseLayer<C> {
    protected HandwrittenConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return layerConf().isHasBias();
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }
}

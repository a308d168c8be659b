package org.detsearch.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's separable convolution (same configuration, parameters, names and shapes), computed by
 * {@link ShiftedSeparableConvolution2DLayer}: the depthwise half by {@link ShiftedDepthwise}, the pointwise half as
 * one matrix product. libnd4j's {@code sconv2d} was 17% of an EfficientDet-D0 training step after the backbone's
 * depthwise convolutions were shifted (JFR), and its backward pass recomputes the forward one.
 */
public class ShiftedSeparableConvolution2D extends SeparableConvolution2D {
    /** For deserialisation. */
    public ShiftedSeparableConvolution2D() {
    }

    public ShiftedSeparableConvolution2D(SeparableConvolution2D.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return RuntimeLayers.wire(new ShiftedSeparableConvolution2DLayer(conf, networkDataType), conf, listeners, layerIndex,
                paramsView, initializer(), initializeParams);
    }

    /** Whether the shifted computation runs (else DL4J's libnd4j op): {@link ShiftedDepthwise#covers}. */
    boolean shifted() {
        return ShiftedDepthwise.covers(this, getDepthMultiplier());
    }

    @Override
    public ShiftedSeparableConvolution2D clone() {
        return (ShiftedSeparableConvolution2D) super.clone();
    }
}

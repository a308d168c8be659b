package org.detsearch.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's depthwise convolution (same configuration, parameters, names and shapes, so weights load by name and
 * counting treats it as one), computed by {@link ShiftedDepthwiseConvolution2DLayer}: on the CPU, libnd4j's
 * {@code depthwise_conv2d} and its backward pass took 60% of an EfficientDet-D0 training step (JFR), and the
 * shifted form is 2.4-3x faster at EfficientNet's shapes. Other backends (CUDA: libnd4j's op runs on cuDNN) and
 * configurations it does not cover (NHWC, a depth multiplier above 1, dilation) run DL4J's own code.
 */
public class ShiftedDepthwiseConvolution2D extends DepthwiseConvolution2D {
    /** For deserialisation. */
    public ShiftedDepthwiseConvolution2D() {
    }

    public ShiftedDepthwiseConvolution2D(DepthwiseConvolution2D.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return RuntimeLayers.wire(new ShiftedDepthwiseConvolution2DLayer(conf, networkDataType), conf, listeners, layerIndex,
                paramsView, initializer(), initializeParams);
    }

    /** Whether the shifted computation runs (else DL4J's libnd4j op): {@link ShiftedDepthwise#covers}. */
    boolean shifted() {
        return ShiftedDepthwise.covers(this, getDepthMultiplier());
    }

    @Override
    public ShiftedDepthwiseConvolution2D clone() {
        return (ShiftedDepthwiseConvolution2D) super.clone();
    }
}

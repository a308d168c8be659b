package org.detsearch.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's convolution layer (same configuration, parameters, names and shapes, so weights load by name and counting
 * treats it as one), computed by {@link GemmConvolution2DLayer} as matrix products on the feature maps
 * ({@link GemmConvolution}) where that covers it: stride 1, or a 1x1 kernel. Other configurations (ResNet's 7x7/2
 * stem, NHWC) and other backends (CUDA: cuDNN) run DL4J's own code.
 */
public class GemmConvolution2D extends ConvolutionLayer {
    /** For deserialisation. */
    public GemmConvolution2D() {
    }

    /** The layer {@code builder} configures, checked as DL4J's {@code build()} checks it. */
    public GemmConvolution2D(ConvolutionLayer.Builder builder) {
        super(checked(builder));
    }

    private static ConvolutionLayer.Builder checked(ConvolutionLayer.Builder builder) {
        builder.build();
        return builder;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return RuntimeLayers.wire(new GemmConvolution2DLayer(conf, networkDataType), conf, listeners, layerIndex,
                paramsView, initializer(), initializeParams);
    }

    /** Whether the products run (else DL4J's libnd4j op): {@link GemmConvolution#covers}. */
    public boolean products() {
        return GemmConvolution.covers(this);
    }

    @Override
    public GemmConvolution2D clone() {
        return (GemmConvolution2D) super.clone();
    }
}

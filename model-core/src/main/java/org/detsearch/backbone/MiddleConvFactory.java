package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.detsearch.nn.GemmConvolution2D;
import org.detsearch.nn.MixedDilationConvolution;
import org.nd4j.linalg.activations.Activation;

/**
 * Makes the layer that computes a bottleneck's middle 3x3 convolution: the one place where a searched (NATS supernet)
 * or transformed backbone differs from the plain one. The layer must keep the Keras parameter names and (for the
 * plain and transformed kinds) shapes, so pretrained weights load by name.
 */
@FunctionalInterface
public interface MiddleConvFactory {
    Layer layerFor(MiddleConv conv);

    /**
     * The original convolution: DL4J's 3x3 convolution with symmetric padding 1 and a bias (Keras' layout), or, with
     * groups, DetSearch's grouped convolution with the same parameter names.
     */
    static MiddleConvFactory plain() {
        return conv -> conv.groups() == 1
                ? new GemmConvolution2D(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(conv.channels()).activation(Activation.IDENTITY)
                        .convolutionMode(ConvolutionMode.Truncate))
                : MixedDilationConvolution.plain(conv.name(), 3, 1, conv.groups(), true, conv.channels());
    }
}

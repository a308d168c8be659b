package org.detsearch.neck;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.nd4j.linalg.activations.Activation;
import org.detsearch.nn.GemmConvolution2D;

/**
 * RetinaNet's feature pyramid: lateral 1x1 convolutions on C3..C5, a top-down path of nearest-neighbour 2x
 * upsampling and sums, 3x3 output convolutions giving P3..P5, then P6 = 3x3 stride-2 convolution of C5 and
 * P7 = the same on ReLU(P6), all with {@code channels} outputs. Input sizes must be multiples of 128 so that every
 * upsampled map meets its lateral one exactly.
 */
public final class FpnBuilder {
    private final int channels;

    public FpnBuilder(int channels) {
        this.channels = channels;
    }

    /** Vertex names of P3..P7 after {@link #addTo}. */
    public static String level(int level) {
        return "fpn_p" + level;
    }

    /**
     * @param c3 vertex of the stride-8 backbone output; c4, c5 likewise at strides 16 and 32
     */
    public void addTo(ComputationGraphConfiguration.GraphBuilder graph, String c3, String c4, String c5) {
        graph.addLayer("fpn_lateral5", conv(1, 1), c5)
                .addLayer("fpn_lateral4", conv(1, 1), c4)
                .addLayer("fpn_lateral3", conv(1, 1), c3)
                .addLayer("fpn_up5", new Upsampling2D.Builder(2).build(), "fpn_lateral5")
                .addVertex("fpn_merge4", new ElementWiseVertex(ElementWiseVertex.Op.Add), "fpn_lateral4", "fpn_up5")
                .addLayer("fpn_up4", new Upsampling2D.Builder(2).build(), "fpn_merge4")
                .addVertex("fpn_merge3", new ElementWiseVertex(ElementWiseVertex.Op.Add), "fpn_lateral3", "fpn_up4")
                .addLayer(level(5), conv(3, 1), "fpn_lateral5")
                .addLayer(level(4), conv(3, 1), "fpn_merge4")
                .addLayer(level(3), conv(3, 1), "fpn_merge3")
                .addLayer(level(6), conv(3, 2), c5)
                .addLayer("fpn_p6_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), level(6))
                .addLayer(level(7), conv(3, 2), "fpn_p6_relu");
    }

    private ConvolutionLayer conv(int kernel, int stride) {
        return new GemmConvolution2D(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(kernel / 2, kernel / 2)
                .nOut(channels).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY));
    }
}

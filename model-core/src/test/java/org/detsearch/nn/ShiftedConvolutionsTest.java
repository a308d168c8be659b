package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.model.MultiplyAdds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ShiftedDepthwiseConvolution2D} and {@link ShiftedSeparableConvolution2D} against DL4J's own layers. */
@ExtendWith(DoublePrecision.class)
class ShiftedConvolutionsTest {
    private record Case(int kernel, int stride, int size, boolean bias, Activation activation, ConvolutionMode mode) {
    }

    /** EfficientNet's kernels and strides on odd and even sizes (SAME pads the odd pixel at the bottom/right), bias, activation. */
    private static final List<Case> CASES = List.of(
            new Case(3, 1, 7, false, Activation.IDENTITY, ConvolutionMode.Same),
            new Case(3, 2, 8, false, Activation.IDENTITY, ConvolutionMode.Same),
            new Case(5, 2, 9, true, Activation.TANH, ConvolutionMode.Same),
            new Case(5, 1, 6, true, Activation.IDENTITY, ConvolutionMode.Same),
            new Case(3, 2, 9, true, Activation.IDENTITY, ConvolutionMode.Truncate));

    /** A kind of layer: DL4J's and the shifted one, for a case. */
    private enum Kind {
        DEPTHWISE, SEPARABLE;

        Layer layer(Case c, boolean shifted) {
            if (this == DEPTHWISE) {
                DepthwiseConvolution2D.Builder b = new DepthwiseConvolution2D.Builder(c.kernel(), c.kernel()).depthMultiplier(1);
                configure(b, c);
                return shifted ? new ShiftedDepthwiseConvolution2D(b) : b.build();
            }
            SeparableConvolution2D.Builder b = new SeparableConvolution2D.Builder(c.kernel(), c.kernel()).depthMultiplier(1).nOut(4);
            configure(b, c);
            return shifted ? new ShiftedSeparableConvolution2D(b) : b.build();
        }

        private static void configure(ConvolutionLayer.BaseConvBuilder<?> b, Case c) {
            b.stride(c.stride(), c.stride()).hasBias(c.bias()).convolutionMode(c.mode()).activation(c.activation());
            if (c.mode() == ConvolutionMode.Truncate) {
                b.padding(1, 1);
            }
        }
    }

    private static ComputationGraph net(Layer layer, int size) {
        return Dl4jTwins.net(layer, size, size);
    }

    private static boolean runsShifted(ComputationGraph net) {
        Layer conf = net.getLayer("conv").conf().getLayer();
        return conf instanceof ShiftedDepthwiseConvolution2D d ? d.shifted() : ((ShiftedSeparableConvolution2D) conf).shifted();
    }

    @Test
    void equalDl4jsLayersForwardAndBackward() {
        for (Kind kind : Kind.values()) {
            for (Case c : CASES) {
                String what = kind + " " + c;
                ComputationGraph shifted = net(kind.layer(c, true), c.size());
                ComputationGraph dl4j = net(kind.layer(c, false), c.size());
                // on the CPU backend the shifted code runs, not DL4J's fallback (else this compares DL4J with itself)
                assertTrue(runsShifted(shifted), what);
                Dl4jTwins.assertSameForwardAndBackward(shifted, dl4j, Dl4jTwins.input(11, c.size(), c.size()), what);
            }
        }
    }

    @Test
    void gradientCheckInDoublePrecision() {
        for (Kind kind : Kind.values()) {
            for (Case c : List.of(CASES.get(1), CASES.get(2))) {
                ComputationGraph net = net(kind.layer(c, true), c.size());
                INDArray x = Dl4jTwins.input(5, c.size(), c.size());
                assertTrue(GradientChecks.check(net, new INDArray[] {x}, Dl4jTwins.labels(net, x)), kind + " " + c);
            }
        }
    }

    @Test
    void serialiseAndCountAsDl4jsLayers(@TempDir File dir) throws Exception {
        Case c = CASES.get(2);
        for (Kind kind : Kind.values()) {
            ComputationGraph net = net(kind.layer(c, true), c.size());
            Dl4jTwins.assertSerialisesAndCountsAlike(net, net(kind.layer(c, false), c.size()), c.size(), c.size(), dir,
                    ShiftedConvolutionsTest::runsShifted, kind.toString());
        }
    }
}

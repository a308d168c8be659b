package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
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
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class ShiftedDepthwiseConvolution2DTest {
    private record Case(int kernel, int stride, int size, boolean bias, Activation activation, ConvolutionMode mode) {
    }

    /** EfficientNet's kernels and strides on odd and even sizes (SAME pads the odd pixel at the bottom/right), bias, activation. */
    private static final Case[] CASES = {
            new Case(3, 1, 7, false, Activation.IDENTITY, ConvolutionMode.Same),
            new Case(3, 2, 8, false, Activation.IDENTITY, ConvolutionMode.Same),
            new Case(5, 2, 9, true, Activation.TANH, ConvolutionMode.Same),
            new Case(5, 1, 6, true, Activation.IDENTITY, ConvolutionMode.Same),
            new Case(3, 2, 9, true, Activation.IDENTITY, ConvolutionMode.Truncate),
    };

    private static DepthwiseConvolution2D.Builder depthwise(Case c) {
        DepthwiseConvolution2D.Builder b = new DepthwiseConvolution2D.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                .depthMultiplier(1).hasBias(c.bias()).convolutionMode(c.mode()).activation(c.activation());
        return c.mode() == ConvolutionMode.Truncate ? b.padding(1, 1) : b;
    }

    /** 1x1 conv (so the depthwise layer's input error is checked through its kernel) -> depthwise -> MSE. */
    private static ComputationGraph net(Case c, Function<DepthwiseConvolution2D.Builder, DepthwiseConvolution2D> layer) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(7)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(c.size(), c.size(), 2))
                .addLayer("expand", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.IDENTITY).build(), "in")
                .addLayer("dw", layer.apply(depthwise(c)), "expand")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "dw")
                .setOutputs("loss").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static INDArray[] labels(ComputationGraph net, INDArray x) {
        return new INDArray[] {Nd4j.rand(DataType.DOUBLE, net.outputSingle(x).shape())};
    }

    @Test
    void equalsDl4jsDepthwiseConvolutionForwardAndBackward() {
        for (Case c : CASES) {
            ComputationGraph shifted = net(c, ShiftedDepthwiseConvolution2D::new);
            ComputationGraph dl4j = net(c, DepthwiseConvolution2D.Builder::build);
            assertTrue(shifted.getLayer("dw") instanceof ShiftedDepthwiseConvolution2DLayer, c.toString());
            // on the CPU backend the shifted code runs, not DL4J's fallback (else this would compare DL4J with itself)
            assertTrue(((ShiftedDepthwiseConvolution2D) shifted.getLayer("dw").conf().getLayer()).shifted(), c.toString());
            dl4j.setParams(shifted.params());
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, c.size(), c.size());
            INDArray[] y = labels(dl4j, x);
            assertEquals(dl4j.outputSingle(x), shifted.outputSingle(x), c.toString());
            for (ComputationGraph net : new ComputationGraph[] {shifted, dl4j}) {
                net.setInputs(x);
                net.setLabels(y);
                net.computeGradientAndScore();
            }
            assertEquals(dl4j.score(), shifted.score(), 1e-12, c.toString());
            INDArray expected = dl4j.gradient().gradient();
            INDArray actual = shifted.gradient().gradient();
            assertTrue(expected.equalsWithEps(actual, 1e-10), c + ": gradients " + actual + " vs DL4J's " + expected);
        }
    }

    @Test
    void gradientCheckInDoublePrecision() {
        for (Case c : new Case[] {CASES[1], CASES[2]}) {
            ComputationGraph net = net(c, ShiftedDepthwiseConvolution2D::new);
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, c.size(), c.size());
            assertTrue(GradientChecks.check(net, new INDArray[] {x}, labels(net, x)), c.toString());
        }
    }

    @Test
    void serialisesAndCountsAsDl4jsDepthwiseConvolution(@TempDir File dir) throws Exception {
        Case c = CASES[2];
        ComputationGraph net = net(c, ShiftedDepthwiseConvolution2D::new);
        ComputationGraphConfiguration fromJson = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration(), fromJson);
        File zip = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        assertTrue(restored.getLayer("dw") instanceof ShiftedDepthwiseConvolution2DLayer);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 1, 2, c.size(), c.size());
        assertEquals(net.outputSingle(x), restored.outputSingle(x));
        ComputationGraph dl4j = net(c, DepthwiseConvolution2D.Builder::build);
        InputType in = InputType.convolutional(c.size(), c.size(), 2);
        assertEquals(MultiplyAdds.of(dl4j.getConfiguration(), in), MultiplyAdds.of(net.getConfiguration(), in));
        assertEquals(dl4j.numParams(), net.numParams());
    }
}

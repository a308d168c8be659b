package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.model.MultiplyAdds;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.io.IOException;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hand-written layer and the DL4J layer it stands in for, each in the same small double-precision graph (a 1x1
 * convolution, so the layer's input error is checked through that kernel; the layer; an MSE loss), compared.
 */
final class Dl4jTwins {
    static final int INPUT_CHANNELS = 2;
    static final int LAYER_INPUT_CHANNELS = 3;

    private Dl4jTwins() {
    }

    static ComputationGraph net(Layer layer, int height, int width) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(7)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(height, width, INPUT_CHANNELS))
                .addLayer("expand", new ConvolutionLayer.Builder(1, 1).nOut(LAYER_INPUT_CHANNELS).activation(Activation.IDENTITY).build(), "in")
                .addLayer("conv", layer, "expand")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv")
                .setOutputs("loss").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    static INDArray input(long seed, int height, int width) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, 2, INPUT_CHANNELS, height, width);
    }

    static INDArray[] labels(ComputationGraph net, INDArray x) {
        return new INDArray[] {Nd4j.rand(DataType.DOUBLE, net.outputSingle(x).shape())};
    }

    /** Gives {@code dl4j} the parameters of {@code ours}, then asserts equal outputs, scores and gradients on {@code x}. */
    static void assertSameForwardAndBackward(ComputationGraph ours, ComputationGraph dl4j, INDArray x, String what) {
        dl4j.setParams(ours.params());
        INDArray[] y = labels(dl4j, x);
        assertTrue(dl4j.outputSingle(x).equalsWithEps(ours.outputSingle(x), 1e-12), what);
        for (ComputationGraph net : new ComputationGraph[] {ours, dl4j}) {
            net.setInputs(x);
            net.setLabels(y);
            net.computeGradientAndScore();
        }
        assertEquals(dl4j.score(), ours.score(), 1e-12, what);
        INDArray expected = dl4j.gradient().gradient();
        INDArray actual = ours.gradient().gradient();
        assertTrue(expected.equalsWithEps(actual, 1e-10), what + ": gradients " + actual + " vs DL4J's " + expected);
    }

    /**
     * Asserts that {@code ours} survives a JSON and a zip round trip still running its own code ({@code runsOurs})
     * with the same output, and counts multiply-adds and parameters as {@code dl4j} does.
     */
    static void assertSerialisesAndCountsAlike(ComputationGraph ours, ComputationGraph dl4j, int height, int width,
                                               File dir, Predicate<ComputationGraph> runsOurs, String what) throws IOException {
        assertEquals(ours.getConfiguration(), ComputationGraphConfiguration.fromJson(ours.getConfiguration().toJson()), what);
        File zip = new File(dir, what.replaceAll("[^A-Za-z0-9]", "_") + ".zip");
        ModelSerializer.writeModel(ours, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        assertTrue(runsOurs.test(restored), what);
        INDArray x = input(3, height, width);
        assertEquals(ours.outputSingle(x), restored.outputSingle(x), what);
        InputType in = InputType.convolutional(height, width, INPUT_CHANNELS);
        assertEquals(MultiplyAdds.of(dl4j.getConfiguration(), in), MultiplyAdds.of(ours.getConfiguration(), in), what);
        assertEquals(dl4j.numParams(), ours.numParams(), what);
    }
}

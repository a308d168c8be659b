package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class ParameterFreeVerticesTest {
    /** conv (tanh) -> [squeeze -> 1x1 conv (sigmoid)] -> channel scale -> drop-connect -> pooled softmax. */
    private static ComputationGraphConfiguration excitedAndDropped(double survival) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("squeeze", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(), "conv")
                .addLayer("gate", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.SIGMOID).build(), "squeeze")
                .addVertex("excite", new ChannelScaleVertex(), "conv", "gate")
                .addVertex("drop", new DropConnectVertex(survival), "excite")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "drop")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
    }

    private static INDArray oneHot(int rows) {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, rows, 2);
        for (int i = 0; i < rows; i++) {
            labels.putScalar(i, i % 2, 1);
        }
        return labels;
    }

    @Test
    void squeezeExcitationAndDropConnectHaveRightGradients() {
        ComputationGraph net = new ComputationGraph(excitedAndDropped(0.5));
        net.init();
        // 6 examples at survival 0.5: with the check's fixed seed some are dropped and some kept
        assertTrue(GradientChecks.check(net, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 6, 2, 4, 4)}, new INDArray[] {oneHot(6)}));
    }

    @Test
    void channelScaleMultipliesEachChannelByItsFactor() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5);
        INDArray s = Nd4j.rand(DataType.DOUBLE, 2, 3, 1, 1);
        INDArray out = new ChannelScaleVertex().computation().forward(new INDArray[] {x, s}, false);
        assertEquals(x.getDouble(1, 2, 3, 4) * s.getDouble(1, 2, 0, 0), out.getDouble(1, 2, 3, 4), 1e-15);
        assertEquals(x.getDouble(0, 1, 0, 2) * s.getDouble(0, 1, 0, 0), out.getDouble(0, 1, 0, 2), 1e-15);
    }

    @Test
    void channelScaleRejectsFactorsOfTheWrongShape() {
        InvalidInputTypeException e = assertThrows(InvalidInputTypeException.class, () -> new ChannelScaleVertex()
                .getOutputType(0, InputType.convolutional(4, 4, 3), InputType.convolutional(1, 1, 2)));
        assertTrue(e.getMessage().contains("factors [C, 1, 1]"), e.getMessage());
    }

    @Test
    void dropConnectKeepsOrDropsWholeExamplesInTrainingAndIsTheIdentityAtInference() {
        ParameterFreeVertex.Computation drop = new DropConnectVertex(0.8).computation();
        INDArray x = Nd4j.ones(DataType.DOUBLE, 2000, 2, 3, 3);
        assertEquals(x, drop.forward(new INDArray[] {x}, false));
        Nd4j.getRandom().setSeed(1);
        INDArray trained = drop.forward(new INDArray[] {x}, true);
        int kept = 0;
        for (int i = 0; i < 2000; i++) {
            INDArray example = trained.get(NDArrayIndex.point(i));
            double first = example.getDouble(0);
            assertTrue(first == 0 || Math.abs(first - 1 / 0.8) < 1e-12, "kept examples are divided by the survival probability");
            assertEquals(first * 18, example.sumNumber().doubleValue(), 1e-9, "one decision per example");
            kept += first > 0 ? 1 : 0;
        }
        assertEquals(0.8, kept / 2000.0, 0.03);
        // the backward pass applies the same mask
        INDArray gradient = drop.backward(new INDArray[] {x}, x)[0];
        assertEquals(trained, gradient);
    }

    @Test
    void dropConnectRejectsASurvivalProbabilityOutsideZeroOne() {
        assertThrows(IllegalArgumentException.class, () -> new DropConnectVertex(0));
        assertThrows(IllegalArgumentException.class, () -> new DropConnectVertex(1.5));
    }

    @Test
    void theConfigurationSurvivesJsonRoundTrip() {
        ComputationGraphConfiguration conf = excitedAndDropped(0.7);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(0.7, ((DropConnectVertex) back.getVertices().get("drop")).getSurvivalProbability());
        assertTrue(back.getVertices().get("excite") instanceof ChannelScaleVertex);
        assertEquals(conf.getVertices(), back.getVertices());
        Map<String, ?> clone = conf.clone().getVertices();
        assertEquals(conf.getVertices(), clone);
    }
}

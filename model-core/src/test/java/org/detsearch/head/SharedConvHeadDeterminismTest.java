package org.detsearch.head;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same seed gives the same initial weights, heads included, however many networks this JVM built before. */
class SharedConvHeadDeterminismTest {
    private static ComputationGraph build() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(123).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(3).build(), "x")
                .addVertex("head", SharedConvHead.boxNet(1, 3, 1, 1, 0), "conv")
                .addLayer("loss", new LossLayer.Builder().activation(Activation.IDENTITY).build(), "head")
                .setOutputs("loss").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @Test
    void initialisationDependsOnlyOnTheSeed() {
        ComputationGraph first = build();
        ComputationGraph second = build();
        assertEquals(first.params(), second.params());
    }
}

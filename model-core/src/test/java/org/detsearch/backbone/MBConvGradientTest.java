package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.nn.DoublePrecision;
import org.detsearch.nn.GradientChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class MBConvGradientTest {
    /** One stage of two MBConv blocks: expansion, squeeze-excitation, skips, drop-connect on the second. */
    @Test
    void anMBConvNetworkHasRightGradients() {
        EfficientNetSpec spec = new EfficientNetSpec("grad", 0.25, 1, 4, 0, 0.5, List.of(new MBConvStage(2, 3, 1, 2, 32, 32, 0.25)), 0);
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(2)
                .updater(new NoOp()).graphBuilder().addInputs("input").setInputTypes(InputType.convolutional(4, 4, 3));
        String last = new EfficientNetBuilder(spec).addTo(graph, "input");
        graph.addLayer("pool", new GlobalPoolingLayer.Builder().build(), last)
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool");
        ComputationGraph net = new ComputationGraph(graph.setOutputs("out").build());
        net.init();
        assertTrue(net.getConfiguration().getVertices().containsKey("block1b_drop"));
        INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 0}});
        assertTrue(GradientChecks.check(net, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 3, 3, 4, 4)}, new INDArray[] {labels}));
    }
}

package org.detsearch.neck;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class FpnBuilderTest {
    @Test
    void givesP3ToP7AtStrides8To128() {
        ResNetBuilder backbone = new ResNetBuilder(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0));
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(128, 128, 3));
        backbone.addTo(graph, "input");
        new FpnBuilder(16).addTo(graph, backbone.stageOutput(3), backbone.stageOutput(4), backbone.stageOutput(5));
        graph.setOutputs(FpnBuilder.level(3), FpnBuilder.level(4), FpnBuilder.level(5), FpnBuilder.level(6), FpnBuilder.level(7));
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        INDArray[] levels = net.output(Nd4j.rand(2, 3, 128, 128));
        for (int i = 0; i < 5; i++) {
            int side = 128 >> (3 + i);
            assertArrayEquals(new long[] {2, 16, side, side}, levels[i].shape(), "P" + (3 + i));
        }
    }
}

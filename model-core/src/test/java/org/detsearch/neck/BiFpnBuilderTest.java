package org.detsearch.neck;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.EfficientNetBuilder;
import org.detsearch.backbone.EfficientNetSpec;
import org.detsearch.nn.GradientChecks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BiFpnBuilderTest {
    /** Stands in for a backbone: the graph inputs c3, c4, c5 are its P3-P5 with the given channels. */
    private record InputBackbone(int... channels) implements Backbone {
        @Override
        public String addTo(ComputationGraphConfiguration.GraphBuilder graph, String input) {
            return "c5";
        }

        @Override
        public String featureOutput(int level) {
            return "c" + level;
        }

        @Override
        public int featureChannels(int level) {
            return channels[level - 3];
        }
    }

    private static ComputationGraph d0Pyramid(int size, FusionMethod fusion) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(size, size, 3));
        EfficientNetBuilder backbone = new EfficientNetBuilder(EfficientNetSpec.named("efficientnet-b0").withNumClasses(0));
        backbone.addTo(graph, "input");
        List<String> levels = new BiFpnBuilder(64, 3, fusion, 3, 7).addTo(graph, backbone);
        ComputationGraph net = new ComputationGraph(graph.setOutputs(levels.toArray(String[]::new)).build());
        net.init();
        return net;
    }

    private static long trainable(ComputationGraph net, String prefix) {
        long n = 0;
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            String key = p.getKey();
            if (key.startsWith(prefix) && !key.endsWith("_mean") && !key.endsWith("_log10stdev")) {
                n += p.getValue().length();
            }
        }
        return n;
    }

    /** D0's breakdown (PAPERS.md 2.10): P6 resample 20,672; three cells 175,609 with 57 fusion weights and 5 lateral convs. */
    @Test
    void d0PyramidHasTheReferenceParameterCounts() {
        ComputationGraph net = d0Pyramid(512, FusionMethod.FAST_ATTENTION);
        assertEquals(20_672L, trainable(net, "resample_p6"));
        assertEquals(0L, trainable(net, "resample_p7"), "P7 is a pool of P6");
        assertEquals(175_609L, trainable(net, "fpn_cell"));
        assertEquals(57L, net.paramTable().keySet().stream().filter(k -> k.endsWith("_fuse_w"))
                .mapToLong(k -> net.paramTable().get(k).length()).sum());
        ComputationGraphConfiguration conf = net.getConfiguration();
        // the backbone's P3 (40), P4 (112) and P5 (320 channels) get a 1x1 conv + BN on each of their edges, in cell 0 only
        List<String> lateral = conf.getVertices().keySet().stream().filter(v -> v.matches("fpn_cell\\d_fnode\\d+_resample_.*_conv")).sorted().toList();
        assertEquals(List.of("fpn_cell0_fnode1_resample_0_2_6_conv", "fpn_cell0_fnode2_resample_0_1_7_conv",
                "fpn_cell0_fnode3_resample_0_0_8_conv", "fpn_cell0_fnode4_resample_0_1_9_conv", "fpn_cell0_fnode5_resample_0_2_10_conv"), lateral);
        // node 4 = P4_out fuses P4_in (resampled), P4_td and P3_out pooled down
        assertEquals(List.of("fpn_cell0_fnode4_resample_0_1_9_bn", "fpn_cell0_fnode2_op_after_combine7_bn",
                "fpn_cell0_fnode4_resample_2_8_9_pool"), conf.getVertexInputs().get("fpn_cell0_fnode4_fuse"));
        assertEquals(List.of("fpn_cell0_fnode4_fuse"), conf.getVertexInputs().get("fpn_cell0_fnode4_op_after_combine9_act"));
    }

    @Test
    void outputsAreP3ToP7AtTheBiFpnWidthAndD6FusesBySum() {
        ComputationGraph net = d0Pyramid(128, FusionMethod.SUM);
        INDArray[] out = net.output(Nd4j.rand(1, 3, 128, 128));
        for (int l = 0; l < 5; l++) {
            assertArrayEquals(new long[] {1, 64, 16 >> l, 16 >> l}, out[l].shape());
        }
        assertTrue(net.getConfiguration().getVertices().get("fpn_cell1_fnode4_fuse") instanceof ElementWiseVertex);
        assertTrue(net.paramTable().keySet().stream().noneMatch(k -> k.endsWith("_fuse_w")), "an unweighted sum");
    }

    /** TF's SAME max pooling ignores the padding; so does DL4J's (zero padding would lift negative borders to 0). */
    @Test
    void maxPoolingDownIgnoresThePadding() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 1))
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2})
                        .convolutionMode(ConvolutionMode.Same).build(), "in").setOutputs("pool").build());
        net.init();
        INDArray out = net.outputSingle(Nd4j.ones(1, 1, 4, 4).muli(-1));
        assertEquals(Nd4j.ones(1, 1, 2, 2).muli(-1), out);
    }

    /**
     * One fast-fusion cell over P3-P5 (8x8, 4x4, 2x2) of 3, 5 and 2 channels at width 2: resampling convs on P3
     * and P4 only, upsampling, pooling, fusion, swish, separable conv and BN, gradient-checked end to end.
     */
    @Test
    void aCellHasRightGradients() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3)
                    .updater(new NoOp()).graphBuilder().addInputs("c3", "c4", "c5")
                    .setInputTypes(InputType.convolutional(8, 8, 3), InputType.convolutional(4, 4, 5), InputType.convolutional(2, 2, 2));
            List<String> levels = new BiFpnBuilder(2, 1, FusionMethod.FAST_ATTENTION, 3, 5).addTo(graph, new InputBackbone(3, 5, 2));
            graph.addLayer("pool3", new GlobalPoolingLayer.Builder().build(), levels.get(0))
                    .addLayer("pool4", new GlobalPoolingLayer.Builder().build(), levels.get(1))
                    .addLayer("pool5", new GlobalPoolingLayer.Builder().build(), levels.get(2))
                    .addVertex("pooled", new MergeVertex(), "pool3", "pool4", "pool5")
                    .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pooled");
            ComputationGraph net = new ComputationGraph(graph.setOutputs("out").build());
            net.init();
            assertTrue(net.getConfiguration().getVertices().keySet().stream().noneMatch(v -> v.contains("_resample_") && v.contains("_2_")
                    && v.endsWith("_conv") && v.contains("fnode0")), "P5 already has the width: no conv on its edges");
            Nd4j.getRandom().setSeed(5);
            INDArray[] inputs = {Nd4j.rand(DataType.DOUBLE, 4, 3, 8, 8), Nd4j.rand(DataType.DOUBLE, 4, 5, 4, 4), Nd4j.rand(DataType.DOUBLE, 4, 2, 2, 2)};
            INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {0, 1}, {1, 0}});
            assertTrue(GradientChecks.check(net, inputs, new INDArray[] {labels}));
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    @Test
    void levelsMustIncludeTheBackbonesP5() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BiFpnBuilder(64, 3, FusionMethod.SUM, 3, 4));
        assertTrue(e.getMessage().contains("P3-P4"), e.getMessage());
    }
}

package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.model.ParameterCount;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResNetBuilderTest {
    private static ComputationGraph build(ResNetSpec spec, int size, String... outputs) {
        ResNetBuilder builder = new ResNetBuilder(spec);
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(size, size, 3));
        String last = builder.addTo(graph, "input");
        graph.setOutputs(outputs.length > 0 ? outputs : new String[] {last});
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    @Test
    void fullSizeResNetsHaveKerasTrainableParameterCounts() {
        // Keras ResNet50 / ResNet101: torchvision's counts plus the conv biases of the Keras layout
        assertEquals(25_583_592L, ParameterCount.of(build(ResNetSpec.resnet50(1000), 224)).trainable());
        assertEquals(44_601_832L, ParameterCount.of(build(ResNetSpec.resnet101(1000), 224)).trainable());
    }

    /**
     * torchvision's trainable count, derived block by block (1x1 reduce, grouped 3x3, 1x1 expand, batch norms,
     * projection shortcut of each stage's first block, stem, 1000-class fc); {@code kerasBiases} adds the bias of
     * every convolution, as the Keras layout has them.
     */
    private static long derivedCount(int[] blocks, int cardinality, int baseWidth, boolean kerasBiases) {
        long total = 3 * 64 * 49 + 2 * 64 + (kerasBiases ? 64 : 0) + 2048 * 1000 + 1000;
        long in = 64;
        for (int s = 0; s < 4; s++) {
            long planes = 64L << s;
            long width = planes * baseWidth / 64 * cardinality;
            long out = 4 * planes;
            for (int b = 0; b < blocks[s]; b++) {
                total += in * width + width * (width / cardinality) * 9 + width * out + 2 * (width + width + out);
                total += kerasBiases ? width + width + out : 0;
                if (b == 0) {
                    total += in * out + 2 * out + (kerasBiases ? out : 0);
                }
                in = out;
            }
        }
        return total;
    }

    @Test
    void resNeXtsHaveTorchvisionCountsPlusKerasConvBiases() {
        // the derivation reproduces torchvision's published counts ...
        assertEquals(25_557_032L, derivedCount(new int[] {3, 4, 6, 3}, 1, 64, false), "torchvision resnet50");
        assertEquals(25_028_904L, derivedCount(new int[] {3, 4, 6, 3}, 32, 4, false), "torchvision resnext50_32x4d");
        assertEquals(44_177_704L, derivedCount(new int[] {3, 4, 23, 3}, 32, 4, false), "torchvision resnext101_32x4d");
        assertEquals(25_583_592L, derivedCount(new int[] {3, 4, 6, 3}, 1, 64, true), "Keras ResNet50");
        // ... and the built networks have it plus the Keras layout's conv biases
        assertEquals(25_063_016L, ParameterCount.of(build(ResNetSpec.named("resnext50", 1000), 224)).trainable());
        assertEquals(44_246_632L, ParameterCount.of(build(ResNetSpec.named("resnext101", 1000), 224)).trainable());
        assertEquals(derivedCount(new int[] {3, 4, 23, 3}, 32, 4, true), 44_246_632L);
    }

    @Test
    void resNeXtHasGroupedMiddleConvolutions() {
        ResNetSpec spec = new ResNetSpec("tinyx", new int[] {1, 1, 1, 1}, 0.25, 0, 8, 4);
        ComputationGraph net = build(spec, 64);
        // planes 16 at stage 2: 16 * 4 / 64 = 1 channel per group x 8 groups; the block output stays 4 x 16
        assertArrayEquals(new long[] {8, 1, 3, 3}, net.getParam("res2a_branch2b_W").shape());
        assertArrayEquals(new long[] {64, 8, 1, 1}, net.getParam("res2a_branch2c_W").shape());
        assertArrayEquals(new long[] {64, 8, 3, 3}, net.getParam("res5a_branch2b_W").shape(), "8 x 8 channels, 8 per group");
        assertEquals(13, new ResNetBuilder(ResNetSpec.resnext50(0)).middleConvs().stream().filter(c -> c.stage() >= 3).count());
        assertEquals(30, new ResNetBuilder(ResNetSpec.resnet101(0)).middleConvs().stream().filter(c -> c.stage() >= 3).count());
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ResNetSpec.named("resnet34", 0));
        assertTrue(unknown.getMessage().contains("resnext101"), unknown.getMessage());
    }

    /** DL4J's network-wide default activation is sigmoid: a convolution that does not say otherwise squashes. */
    @Test
    void everyConvolutionIsLinearAsInKeras() {
        ComputationGraph net = build(new ResNetSpec("tiny", new int[] {2, 1, 1, 1}, 0.125, 0), 64);
        int convolutions = 0;
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv) {
                assertEquals("identity", conv.getActivationFn().toString(), conv.getLayerName());
                convolutions++;
            }
        }
        assertEquals(1 + 3 * 5 + 4, convolutions, "the stem, three per block (5 blocks), a projection per stage");
    }

    @Test
    void layerNamesFollowKerasResNet50() {
        ComputationGraph net = build(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 10), 64);
        Map<String, INDArray> params = net.paramTable();
        for (String key : new String[] {"conv1_W", "bn_conv1_gamma", "res2a_branch2a_W", "bn2a_branch2b_beta",
                "res3a_branch1_W", "bn5a_branch2c_mean", "fc1000_W"}) {
            assertTrue(params.containsKey(key), key + " in " + params.keySet());
        }
    }

    @Test
    void stagesHaveStrides4To32AndPublishedWidths() {
        ResNetSpec spec = new ResNetSpec("tiny", new int[] {2, 2, 2, 2}, 0.125, 0);
        ResNetBuilder builder = new ResNetBuilder(spec);
        ComputationGraph net = build(spec, 64, builder.stageOutput(3), builder.stageOutput(4), builder.stageOutput(5));
        INDArray[] out = net.output(Nd4j.rand(1, 3, 64, 64));
        assertArrayEquals(new long[] {1, 64, 8, 8}, out[0].shape(), "C3: stride 8, 4 x 128 x 0.125 channels");
        assertArrayEquals(new long[] {1, 128, 4, 4}, out[1].shape());
        assertArrayEquals(new long[] {1, 256, 2, 2}, out[2].shape());
        assertEquals("res3b_branch", builder.stageOutput(3));
    }
}

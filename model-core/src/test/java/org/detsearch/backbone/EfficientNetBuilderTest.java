package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.model.ParameterCount;
import org.detsearch.nn.DropConnectVertex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EfficientNetBuilderTest {
    /** A width-0.25, one-block-per-stage EfficientNet: 8..80 channels, quick to build and run. */
    static final EfficientNetSpec TINY = new EfficientNetSpec("tiny", 0.25, 0.1, 64, 0, 0.2, MBConvStage.B0, 0);

    private static ComputationGraphConfiguration.GraphBuilder graph(int size) {
        return new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(size, size, 3));
    }

    private static ComputationGraph build(EfficientNetSpec spec, int size, String... outputs) {
        ComputationGraphConfiguration.GraphBuilder graph = graph(size);
        String last = new EfficientNetBuilder(spec).addTo(graph, "input");
        ComputationGraph net = new ComputationGraph(graph.setOutputs(outputs.length > 0 ? outputs : new String[] {last}).build());
        net.init();
        return net;
    }

    /** The counts asserted by the reference's efficientnet_builder_test (1000 classes; built, not trained). */
    @ParameterizedTest
    @CsvSource({"efficientnet-b0, 5288548", "efficientnet-b1, 7794184", "efficientnet-b2, 9109994",
            "efficientnet-b3, 12233232", "efficientnet-b4, 19341616", "efficientnet-b5, 30389784",
            "efficientnet-b6, 43040704", "efficientnet-b7, 66347960"})
    void trainableParametersAreTheReferenceCounts(String name, long expected) {
        EfficientNetSpec spec = EfficientNetSpec.named(name);
        ParameterCount count = ParameterCount.of(build(spec, spec.resolution()));
        assertEquals(expected, count.trainable());
    }

    @Test
    void withoutTheClassifierB0HasItsFeatureExtractorCountAndKerasTotalWithIt() {
        assertEquals(3_595_388L, ParameterCount.of(build(EfficientNetSpec.named("efficientnet-b0").withNumClasses(0), 224)).trainable());
        // Keras' "Total params" 5,330,571 less its 7-value input Normalization layer: batch-norm statistics included
        assertEquals(5_330_564L, ParameterCount.of(build(EfficientNetSpec.named("efficientnet-b0"), 224)).all());
    }

    /** Channels and repeats after the reference's rounding, against the table derived in PAPERS.md 2.1. */
    @ParameterizedTest
    @CsvSource({"efficientnet-b0, 32, 1280, 40, 112, 320, 16", "efficientnet-b1, 32, 1280, 40, 112, 320, 23",
            "efficientnet-b2, 32, 1408, 48, 120, 352, 23", "efficientnet-b3, 40, 1536, 48, 136, 384, 26",
            "efficientnet-b4, 48, 1792, 56, 160, 448, 32", "efficientnet-b5, 48, 2048, 64, 176, 512, 39",
            "efficientnet-b6, 56, 2304, 72, 200, 576, 45", "efficientnet-b7, 64, 2560, 80, 224, 640, 55"})
    void roundingGivesThePublishedWidthsAndDepths(String name, int stem, int top, int p3, int p4, int p5, int blocks) {
        EfficientNetSpec spec = EfficientNetSpec.named(name);
        EfficientNetBuilder builder = new EfficientNetBuilder(spec);
        assertEquals(stem, spec.stemFilters());
        assertEquals(top, spec.topFilters());
        assertArrayEquals(new int[] {p3, p4, p5}, new int[] {builder.featureChannels(3), builder.featureChannels(4), builder.featureChannels(5)});
        assertEquals(blocks, spec.blockCount());
    }

    @Test
    void layersHaveKerasNamesAndTheReferenceWiring() {
        ComputationGraph net = build(EfficientNetSpec.named("efficientnet-b0"), 224);
        Map<String, INDArray> params = net.paramTable();
        for (String key : List.of("stem_conv_W", "stem_bn_gamma", "block1a_dwconv_W", "block1a_bn_beta", "block1a_se_reduce_W",
                "block1a_se_reduce_b", "block1a_se_expand_W", "block1a_project_conv_W", "block1a_project_bn_mean",
                "block2a_expand_conv_W", "block2a_expand_bn_gamma", "block7a_project_bn_gamma", "top_conv_W", "top_bn_gamma",
                "predictions_W", "predictions_b")) {
            assertTrue(params.containsKey(key), key);
        }
        assertFalse(params.containsKey("block1a_expand_conv_W"), "expand ratio 1: no expansion");
        assertFalse(params.containsKey("stem_conv_b"), "convolutions have no bias");
        // squeeze-excitation is 1/4 of the block's INPUT filters: block2a takes 16 and expands to 96, so 4 (not 24)
        assertArrayEquals(new long[] {4, 96, 1, 1}, params.get("block2a_se_reduce_W").shape());
        assertArrayEquals(new long[] {96, 4, 1, 1}, params.get("block2a_se_expand_W").shape());
        // DL4J stores depthwise kernels [kH, kW, channels, multiplier], as Keras does
        assertArrayEquals(new long[] {5, 5, 144, 1}, params.get("block3a_dwconv_W").shape(), "5x5 depthwise on 24 x 6 channels");
        // skips only at stride 1 with equal widths: block2b has one, block2a (stride 2) none
        ComputationGraphConfiguration conf = net.getConfiguration();
        assertEquals(List.of("block2b_drop", "block2a_project_bn"), conf.getVertexInputs().get("block2b_add"));
        assertFalse(conf.getVertices().containsKey("block2a_add"));
        assertTrue(conf.getVertices().containsKey("top_dropout"));
    }

    @Test
    void dropConnectSurvivalFallsLinearlyOverTheBlocks() {
        ComputationGraphConfiguration conf = build(EfficientNetSpec.named("efficientnet-b0"), 224).getConfiguration();
        // block index / 16 blocks: block2b is block 2, block7a (the last, 15) has no skip; block6d is 14
        assertEquals(1 - 0.2 * 2 / 16, ((DropConnectVertex) conf.getVertices().get("block2b_drop")).getSurvivalProbability(), 1e-12);
        assertEquals(1 - 0.2 * 14 / 16, ((DropConnectVertex) conf.getVertices().get("block6d_drop")).getSurvivalProbability(), 1e-12);
        ComputationGraphConfiguration off = build(EfficientNetSpec.named("efficientnet-b0").withDropConnectRate(0), 224).getConfiguration();
        assertFalse(off.getVertices().containsKey("block2b_drop"));
        assertEquals(List.of("block2b_project_bn", "block2a_project_bn"), off.getVertexInputs().get("block2b_add"));
    }

    @Test
    void featureLevelsAreTheReductionEndpointsAtStrides8To32() {
        EfficientNetBuilder builder = new EfficientNetBuilder(TINY);
        assertEquals("block3a_project_bn", builder.featureOutput(3), "one block per stage: no skips");
        assertEquals("block5a_project_bn", builder.featureOutput(4), "stage 5 has stride 1: P4 ends there");
        assertEquals("block7a_project_bn", builder.featureOutput(5));
        ComputationGraph net = build(TINY, 64, builder.featureOutput(3), builder.featureOutput(4), builder.featureOutput(5));
        INDArray[] out = net.output(Nd4j.rand(2, 3, 64, 64));
        assertArrayEquals(new long[] {2, builder.featureChannels(3), 8, 8}, out[0].shape());
        assertArrayEquals(new long[] {2, builder.featureChannels(4), 4, 4}, out[1].shape());
        assertArrayEquals(new long[] {2, builder.featureChannels(5), 2, 2}, out[2].shape());
        assertArrayEquals(new int[] {16, 32, 80}, new int[] {builder.featureChannels(3), builder.featureChannels(4), builder.featureChannels(5)});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.featureOutput(6));
        assertTrue(e.getMessage().contains("levels are 1..5"), e.getMessage());
    }

    /**
     * DL4J's SAME mode pads as TensorFlow does, asymmetrically at stride 2 (TF: total = (ceil(in / s) - 1) s + k - in,
     * top = total / 2, the rest at the bottom), so the reference's weights see the same pixels.
     */
    @ParameterizedTest
    @CsvSource({"8, 3, 0, 1", "8, 5, 1, 2", "7, 3, 1, 1"})
    void sameModeAtStrideTwoPadsAsTensorFlow(int size, int kernel, int before, int after) {
        for (boolean depthwise : new boolean[] {false, true}) {
            ComputationGraph same = new ComputationGraph(graph(size)
                    .addLayer("conv", strideTwo(depthwise, kernel, ConvolutionMode.Same), "input").setOutputs("conv").build());
            same.init();
            ComputationGraph explicit = new ComputationGraph(graph(size)
                    .addLayer("pad", new ZeroPaddingLayer.Builder(before, after, before, after).build(), "input")
                    .addLayer("conv", strideTwo(depthwise, kernel, ConvolutionMode.Truncate), "pad").setOutputs("conv").build());
            explicit.init();
            explicit.setParams(same.params());
            INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, size, size);
            INDArray expected = explicit.outputSingle(image);
            assertEquals((size + 1) / 2, expected.size(2));
            assertTrue(expected.equalsWithEps(same.outputSingle(image), 1e-5), (depthwise ? "depthwise " : "") + kernel + "x" + kernel);
        }
    }

    private static ConvolutionLayer strideTwo(boolean depthwise, int kernel, ConvolutionMode mode) {
        ConvolutionLayer.BaseConvBuilder<?> b = depthwise ? new DepthwiseConvolution2D.Builder(kernel, kernel).depthMultiplier(1)
                : new ConvolutionLayer.Builder(kernel, kernel).nOut(4);
        return (ConvolutionLayer) b.stride(2, 2).convolutionMode(mode).hasBias(false).activation(Activation.IDENTITY).build();
    }

    @Test
    void convolutionsAreLinearBeforeTheirBatchNorm() {
        ComputationGraphConfiguration conf = build(TINY, 64).getConfiguration();
        for (String name : List.of("stem_conv", "block2a_dwconv", "block2a_project_conv")) {
            LayerVertex vertex = (LayerVertex) conf.getVertices().get(name);
            assertEquals(Activation.IDENTITY.getActivationFunction(),
                    ((org.deeplearning4j.nn.conf.layers.BaseLayer) vertex.getLayerConf().getLayer()).getActivationFn(), name);
        }
    }

    @Test
    void badSpecsAreRejectedWithTheirValues() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> EfficientNetSpec.named("efficientnet-b9"));
        assertTrue(unknown.getMessage().contains("efficientnet-b0 .. efficientnet-b7"), unknown.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> new EfficientNetSpec("x", 0, 1, 224, 0.2, 0.2, MBConvStage.B0, 10));
        assertTrue(width.getMessage().contains("width 0.0"), width.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MBConvStage(1, 4, 1, 6, 16, 24, 0.25), "even kernel");
    }
}

package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.detsearch.nn.ChannelScaleVertex;
import org.detsearch.nn.GemmConvolution2D;
import org.detsearch.nn.ShiftedDepthwiseConvolution2D;
import org.detsearch.nn.DropConnectVertex;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

/**
 * Adds an EfficientNet to a graph with Keras' layer names ({@code stem_conv}, {@code stem_bn},
 * {@code block1a_dwconv}, {@code block1a_bn}, {@code block1a_se_reduce}, {@code block1a_se_expand},
 * {@code block1a_project_conv}, {@code block2a_expand_conv}, ..., {@code top_conv}, {@code top_bn},
 * {@code predictions}), so Keras or DL4J weights can load by name. As the reference builds it: convolutions
 * without bias (SE convolutions with bias), TF SAME padding (DL4J's {@code ConvolutionMode.Same} pads the same
 * asymmetric way at stride 2), batch norm with decay 0.99 and eps 1e-3, swish, squeeze-excitation as wide as
 * {@code seRatio} x the block's input filters, the identity skip only at stride 1 with equal widths, and
 * drop-connect on it in training. Weights start as the reference draws them: convolutions from N(0, 2 / fan-out),
 * the classifier from U(+-1 / sqrt(classes)).
 * <p>
 * Pyramid level l (stride 2^l) is the output of the last block at that stride, the reference's reduction endpoints:
 * B0's P3 is {@code block3b} (40 channels), P4 {@code block5c} (112), P5 {@code block7a} (320).
 */
public final class EfficientNetBuilder implements Backbone {
    private static final double BN_DECAY = 0.99;
    private static final double BN_EPS = 1e-3;

    private final EfficientNetSpec spec;
    private final List<Block> blocks = new ArrayList<>();

    /** One MBConv block as built: its Keras name prefix ({@code block2b}), widths, stride and pyramid level. */
    private record Block(String name, int kernel, int stride, int input, int expanded, int output, int squeezed,
                         double survival, int level) {
        boolean hasSkip() {
            return stride == 1 && input == output;
        }

        /** The vertex holding the block's output. */
        String outputVertex() {
            return name + (hasSkip() ? "_add" : "_project_bn");
        }
    }

    public EfficientNetBuilder(EfficientNetSpec spec) {
        this.spec = spec;
        int level = 1; // the stem has stride 2
        int index = 0;
        for (int s = 0; s < spec.stages().size(); s++) {
            MBConvStage stage = spec.stages().get(s);
            int repeats = spec.roundRepeats(stage.repeats());
            if (repeats > 26) {
                throw new IllegalArgumentException("stage " + (s + 1) + " has " + repeats + " blocks; Keras names blocks a..z");
            }
            for (int r = 0; r < repeats; r++) {
                int input = spec.roundFilters(r == 0 ? stage.inputFilters() : stage.outputFilters());
                int stride = r == 0 ? stage.stride() : 1;
                level += stride == 2 ? 1 : 0;
                int squeezed = stage.seRatio() > 0 ? Math.max(1, (int) (input * stage.seRatio())) : 0;
                blocks.add(new Block("block" + (s + 1) + (char) ('a' + r), stage.kernel(), stride, input,
                        input * stage.expandRatio(), spec.roundFilters(stage.outputFilters()), squeezed,
                        spec.survivalProbability(index++), level));
            }
        }
    }

    public EfficientNetSpec spec() {
        return spec;
    }

    private Block endpoint(int level) {
        Block found = null;
        for (Block block : blocks) {
            if (block.level() == level) {
                found = block;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("this EfficientNet has no feature map at level " + level + " (stride 2^"
                    + level + "); its levels are 1.." + blocks.get(blocks.size() - 1).level());
        }
        return found;
    }

    @Override
    public String featureOutput(int level) {
        return endpoint(level).outputVertex();
    }

    @Override
    public int featureChannels(int level) {
        return endpoint(level).output();
    }

    @Override
    public String addTo(ComputationGraphConfiguration.GraphBuilder graph, String input) {
        int stem = spec.stemFilters();
        graph.addLayer("stem_conv", conv(3, 2, stem), input)
                .addLayer("stem_bn", batchNorm(), "stem_conv")
                .addLayer("stem_activation", swish(), "stem_bn");
        String previous = "stem_activation";
        for (Block block : blocks) {
            previous = addBlock(graph, block, previous);
        }
        if (spec.numClasses() == 0) {
            return previous;
        }
        int classes = spec.numClasses();
        graph.addLayer("top_conv", conv(1, 1, spec.topFilters()), previous)
                .addLayer("top_bn", batchNorm(), "top_conv")
                .addLayer("top_activation", swish(), "top_bn")
                .addLayer("avg_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "top_activation");
        previous = "avg_pool";
        if (spec.dropoutRate() > 0) {
            // DL4J's dropout argument is the probability of KEEPING an activation
            graph.addLayer("top_dropout", new DropoutLayer.Builder(1 - spec.dropoutRate()).build(), previous);
            previous = "top_dropout";
        }
        double range = 1 / Math.sqrt(classes);
        graph.addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).weightInit(new WeightInitDistribution(new UniformDistribution(-range, range)))
                .build(), previous);
        return "predictions";
    }

    private String addBlock(ComputationGraphConfiguration.GraphBuilder graph, Block b, String input) {
        String p = b.name() + "_";
        String x = input;
        if (b.expanded() != b.input()) {
            graph.addLayer(p + "expand_conv", conv(1, 1, b.expanded()), x)
                    .addLayer(p + "expand_bn", batchNorm(), p + "expand_conv")
                    .addLayer(p + "expand_activation", swish(), p + "expand_bn");
            x = p + "expand_activation";
        }
        // the reference draws depthwise kernels [k, k, C, 1] with fan-out k * k * 1
        // computed by shifted multiply-adds: libnd4j's depthwise op was 60% of a D0 training step
        graph.addLayer(p + "dwconv", new ShiftedDepthwiseConvolution2D(new DepthwiseConvolution2D.Builder(b.kernel(), b.kernel())
                        .stride(b.stride(), b.stride()).depthMultiplier(1).hasBias(false).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).weightInit(normalFanOut(b.kernel() * b.kernel()))), x)
                .addLayer(p + "bn", batchNorm(), p + "dwconv")
                .addLayer(p + "activation", swish(), p + "bn");
        x = p + "activation";
        if (b.squeezed() > 0) {
            graph.addLayer(p + "se_squeeze", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(), x)
                    .addLayer(p + "se_reduce", seConv(b.squeezed(), Activation.SWISH), p + "se_squeeze")
                    .addLayer(p + "se_expand", seConv(b.expanded(), Activation.SIGMOID), p + "se_reduce")
                    .addVertex(p + "se_excite", new ChannelScaleVertex(), x, p + "se_expand");
            x = p + "se_excite";
        }
        graph.addLayer(p + "project_conv", conv(1, 1, b.output()), x)
                .addLayer(p + "project_bn", batchNorm(), p + "project_conv");
        if (!b.hasSkip()) {
            return p + "project_bn";
        }
        String branch = p + "project_bn";
        if (b.survival() < 1) {
            graph.addVertex(p + "drop", new DropConnectVertex(b.survival()), branch);
            branch = p + "drop";
        }
        graph.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, input);
        return p + "add";
    }

    private static ConvolutionLayer conv(int kernel, int stride, int filters) {
        return new GemmConvolution2D(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters).hasBias(false)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY)
                .weightInit(normalFanOut(kernel * kernel * filters)));
    }

    private static ConvolutionLayer seConv(int filters, Activation activation) {
        return new GemmConvolution2D(new ConvolutionLayer.Builder(1, 1).nOut(filters).hasBias(true).convolutionMode(ConvolutionMode.Same)
                .activation(activation).weightInit(normalFanOut(filters)).biasInit(0));
    }

    /** The reference's {@code conv_kernel_initializer}: N(0, sqrt(2 / fan-out)). */
    private static WeightInitDistribution normalFanOut(int fanOut) {
        return new WeightInitDistribution(new NormalDistribution(0, Math.sqrt(2.0 / fanOut)));
    }

    private static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().decay(BN_DECAY).eps(BN_EPS).build();
    }

    private static ActivationLayer swish() {
        return new ActivationLayer.Builder().activation(Activation.SWISH).build();
    }
}

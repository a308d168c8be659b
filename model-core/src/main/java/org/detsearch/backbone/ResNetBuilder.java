package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.detsearch.nn.GemmConvolution2D;

/**
 * Adds a bottleneck ResNet v1 (or ResNeXt: grouped middle 3x3 convolutions) to a graph in the Keras ResNet50
 * layout and layer names, so ImageNet weights made
 * for Keras' ResNet50 (and DL4J's zoo model, which names its convolutions the same way) load by name:
 * {@code conv1}/{@code bn_conv1}, then per block {@code res{stage}{block}_branch2a|2b|2c} with batch norms
 * {@code bn{stage}{block}_branch2a|2b|2c}, projection shortcuts {@code res{stage}a_branch1}/{@code bn..._branch1},
 * and {@code fc1000}. As in Keras' v1, a stage's stride sits on the first 1x1 convolution; convolutions have
 * biases; padding is explicit and symmetric (as the weights were trained), not TF's SAME.
 * Blocks are lettered a, b, c, ... (b1, b2, ... past 26 blocks would be needed only beyond ResNet-152).
 * Every convolution is linear, as in Keras (DL4J's network-wide default activation would be sigmoid): the batch
 * norm and ReLU after it are layers of their own. ResNeXt keeps this layout and naming (torchvision's ResNeXt puts the stride on the 3x3 instead; the
 * parameter count is the same, the multiply-adds are not).
 * The middle 3x3 convolution of each block comes from a {@link MiddleConvFactory}: plain here, searched or
 * transformed in the NATS backbones (subclasses that only choose the factory).
 */
public class ResNetBuilder implements Backbone {
    private final ResNetSpec spec;
    private final MiddleConvFactory middleConvs;

    public ResNetBuilder(ResNetSpec spec) {
        this(spec, MiddleConvFactory.plain());
    }

    public ResNetBuilder(ResNetSpec spec, MiddleConvFactory middleConvs) {
        this.spec = spec;
        this.middleConvs = middleConvs;
    }

    public ResNetSpec spec() {
        return spec;
    }

    /** The middle 3x3 convolution of every block, in graph order. */
    public java.util.List<MiddleConv> middleConvs() {
        java.util.List<MiddleConv> convs = new java.util.ArrayList<>();
        for (int stage = 2; stage <= 5; stage++) {
            for (int block = 0; block < spec.blocks()[stage - 2]; block++) {
                convs.add(middleConv(stage, block));
            }
        }
        return convs;
    }

    private MiddleConv middleConv(int stage, int block) {
        return new MiddleConv("res" + stage + (char) ('a' + block) + "_branch2b", stage, block, spec.width(stage), spec.cardinality());
    }

    /** Name of the vertex holding stage {@code stage}'s output (C2..C5). */
    public String stageOutput(int stage) {
        return blockName(stage, spec.blocks()[stage - 2] - 1);
    }

    /** Output channels of stage {@code stage}. */
    public int stageChannels(int stage) {
        return spec.outputChannels(stage);
    }

    private static String blockName(int stage, int block) {
        return "res" + stage + (char) ('a' + block) + "_branch";
    }

    /** Stage s of a ResNet has stride 2^s: level l is stage l. */
    @Override
    public String featureOutput(int level) {
        return stageOutput(level);
    }

    @Override
    public int featureChannels(int level) {
        return stageChannels(level);
    }

    @Override
    public String addTo(ComputationGraphConfiguration.GraphBuilder graph, String input) {
        graph.addLayer("conv1_pad", new ZeroPaddingLayer.Builder(3, 3).build(), input)
                .addLayer("conv1", conv(7, 2, spec.stemWidth()), "conv1_pad")
                .addLayer("bn_conv1", new BatchNormalization.Builder().eps(1e-3).build(), "conv1")
                .addLayer("conv1_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn_conv1")
                .addLayer("pool1_pad", new ZeroPaddingLayer.Builder(1, 1).build(), "conv1_relu")
                .addLayer("pool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2})
                        .convolutionMode(ConvolutionMode.Truncate).build(), "pool1_pad");
        String previous = "pool1";
        for (int stage = 2; stage <= 5; stage++) {
            for (int block = 0; block < spec.blocks()[stage - 2]; block++) {
                int stride = stage > 2 && block == 0 ? 2 : 1;
                previous = addBlock(graph, stage, block, stride, previous);
            }
        }
        if (spec.numClasses() > 0) {
            graph.addLayer("avg_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), previous)
                    .addLayer("fc1000", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(spec.numClasses()).activation(Activation.SOFTMAX).build(), "avg_pool");
            previous = "fc1000";
        }
        return previous;
    }

    private String addBlock(ComputationGraphConfiguration.GraphBuilder graph, int stage, int block, int stride, String input) {
        String id = stage + "" + (char) ('a' + block);
        String conv = "res" + id + "_branch";
        String bn = "bn" + id + "_branch";
        String act = "act" + id + "_branch";
        int width = spec.width(stage);
        int out = spec.outputChannels(stage);
        graph.addLayer(conv + "2a", conv(1, stride, width), input)
                .addLayer(bn + "2a", new BatchNormalization.Builder().eps(1e-3).build(), conv + "2a")
                .addLayer(act + "2a", new ActivationLayer.Builder().activation(Activation.RELU).build(), bn + "2a")
                .addLayer(conv + "2b", middleConvs.layerFor(middleConv(stage, block)), act + "2a")
                .addLayer(bn + "2b", new BatchNormalization.Builder().eps(1e-3).build(), conv + "2b")
                .addLayer(act + "2b", new ActivationLayer.Builder().activation(Activation.RELU).build(), bn + "2b")
                .addLayer(conv + "2c", conv(1, 1, out), act + "2b")
                .addLayer(bn + "2c", new BatchNormalization.Builder().eps(1e-3).build(), conv + "2c");
        String shortcut = input;
        if (block == 0) {
            graph.addLayer(conv + "1", conv(1, stride, out), input)
                    .addLayer(bn + "1", new BatchNormalization.Builder().eps(1e-3).build(), conv + "1");
            shortcut = bn + "1";
        }
        graph.addVertex("short" + id + "_branch", new ElementWiseVertex(ElementWiseVertex.Op.Add), bn + "2c", shortcut)
                .addLayer(conv, new ActivationLayer.Builder().activation(Activation.RELU).build(), "short" + id + "_branch");
        return conv;
    }

    /** A linear k x k convolution without padding (the stem pads with its own layer). */
    private static ConvolutionLayer conv(int kernel, int stride, int nOut) {
        return new GemmConvolution2D(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(nOut).activation(Activation.IDENTITY)
                .convolutionMode(ConvolutionMode.Truncate));
    }
}

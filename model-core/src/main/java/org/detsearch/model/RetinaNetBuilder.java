package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.detection.FocalLoss;
import org.detsearch.detection.HuberBoxLoss;
import org.detsearch.head.SharedConvHead;
import org.detsearch.neck.FpnBuilder;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Assembles the RetinaNet-style detector as one ComputationGraph with two outputs: {@code class} (focal loss on
 * the class subnet's logits) and {@code box} (Huber loss on the box subnet), both laid out in anchor order.
 * Weight decay applies to weights, not biases (DL4J's default split), as the reference decays kernels only.
 */
public final class RetinaNetBuilder {
    public static final String INPUT = "input";
    public static final String CLASS_OUTPUT = "class";
    public static final String BOX_OUTPUT = "box";

    private RetinaNetBuilder() {
    }

    public static ComputationGraphConfiguration build(DetectorSpec spec, IUpdater updater, double weightDecay,
                                                      double gradientClip, long seed) {
        return build(spec, new ResNetBuilder(spec.backbone()), updater, weightDecay, gradientClip, seed);
    }

    /**
     * The detector on another backbone with {@code spec}'s feature levels (a NATS supernet or transformed ResNet);
     * {@code spec.backbone()} is then only its description.
     */
    public static ComputationGraphConfiguration build(DetectorSpec spec, Backbone backbone, IUpdater updater, double weightDecay,
                                                      double gradientClip, long seed) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightDecay(weightDecay, false)
                .weightInit(WeightInit.RELU)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(gradientClip)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(spec.imageSize(), spec.imageSize(), 3));
        backbone.addTo(graph, INPUT);
        new FpnBuilder(spec.fpnChannels()).addTo(graph, backbone.featureOutput(3), backbone.featureOutput(4), backbone.featureOutput(5));
        String[] levels = new String[5];
        for (int l = 3; l <= 7; l++) {
            levels[l - 3] = FpnBuilder.level(l);
        }
        int anchors = spec.anchors().anchorsPerLocation();
        graph.addVertex("class_net", SharedConvHead.classNet(5, spec.fpnChannels(), spec.headDepth(), anchors, spec.numClasses()), levels)
                .addVertex("box_net", SharedConvHead.boxNet(5, spec.fpnChannels(), spec.headDepth(), anchors), levels)
                .addLayer(CLASS_OUTPUT, new LossLayer.Builder().lossFunction(new FocalLoss()).activation(Activation.IDENTITY).build(), "class_net")
                .addLayer(BOX_OUTPUT, new LossLayer.Builder().lossFunction(new HuberBoxLoss()).activation(Activation.IDENTITY).build(), "box_net")
                .setOutputs(CLASS_OUTPUT, BOX_OUTPUT);
        return graph.build();
    }
}

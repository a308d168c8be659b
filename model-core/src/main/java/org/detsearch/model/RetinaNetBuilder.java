package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.detsearch.backbone.Backbone;
import org.detsearch.detection.FocalLoss;
import org.detsearch.detection.HuberBoxLoss;
import org.detsearch.head.SharedConvHead;
import org.detsearch.neck.FpnBuilder;
import org.nd4j.linalg.activations.Activation;

/**
 * Assembles the RetinaNet-style detector as one ComputationGraph with the two outputs of {@link DetectorSpec}:
 * {@code class} (focal loss on the class subnet's logits) and {@code box} (Huber loss on the box subnet), both laid
 * out in anchor order.
 * Weight decay is the reference's L2 term on kernels (weights, not biases: DL4J's default split), whose gradient goes
 * through the optimiser like the loss's (DL4J's {@code weightDecay} would instead shrink weights by a fixed factor
 * per step, whatever the learning rate).
 */
public final class RetinaNetBuilder {
    private RetinaNetBuilder() {
    }

    /**
     * The detector on another backbone with {@code spec}'s feature levels (a NATS supernet or transformed ResNet);
     * {@code spec.backbone()} then only describes it.
     */
    public static ComputationGraphConfiguration build(RetinaNetSpec spec, Backbone backbone, TrainingSettings training) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(training.seed())
                .updater(training.updater())
                .l2(training.weightDecay())
                .weightInit(WeightInit.RELU)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(training.gradientClip())
                .graphBuilder()
                .addInputs(DetectorSpec.INPUT)
                .setInputTypes(InputType.convolutional(spec.imageSize(), spec.imageSize(), 3));
        backbone.addTo(graph, DetectorSpec.INPUT);
        new FpnBuilder(spec.fpnChannels()).addTo(graph, backbone.featureOutput(3), backbone.featureOutput(4), backbone.featureOutput(5));
        String[] levels = new String[5];
        for (int l = 3; l <= 7; l++) {
            levels[l - 3] = FpnBuilder.level(l);
        }
        int anchors = spec.anchors().anchorsPerLocation();
        graph.addVertex("class_net", SharedConvHead.classNet(5, spec.fpnChannels(), spec.headDepth(), anchors, spec.numClasses(), spec.headGroupNorm()), levels)
                .addVertex("box_net", SharedConvHead.boxNet(5, spec.fpnChannels(), spec.headDepth(), anchors, spec.headGroupNorm()), levels)
                .addLayer(DetectorSpec.CLASS_OUTPUT, new LossLayer.Builder().lossFunction(new FocalLoss()).activation(Activation.IDENTITY).build(), "class_net")
                .addLayer(DetectorSpec.BOX_OUTPUT, new LossLayer.Builder().lossFunction(new HuberBoxLoss()).activation(Activation.IDENTITY).build(), "box_net")
                .setOutputs(DetectorSpec.CLASS_OUTPUT, DetectorSpec.BOX_OUTPUT);
        return graph.build();
    }
}

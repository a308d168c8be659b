package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.detsearch.backbone.EfficientNetBuilder;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.FocalLoss;
import org.detsearch.detection.HuberBoxLoss;
import org.detsearch.head.EfficientDetHead;
import org.detsearch.head.LevelMosaic;
import org.detsearch.neck.BiFpnBuilder;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * Assembles an EfficientDet as one ComputationGraph with the input and outputs every {@link DetectorSpec} has
 * ({@code input}; {@code class}: focal loss on the logits, {@code box}: Huber loss on the regressions, both in
 * {@code AnchorGrid}'s order), so the training loop, the predictor and evaluation run it unchanged.
 * <p>
 * Weight decay is the reference's: an L2 term {@code weightDecay * sum(w^2) / 2} in the loss on kernels only
 * (convolution, depthwise, pointwise and dense weights; not biases, batch norms or fusion weights), i.e. DL4J's
 * {@code l2}, which passes through the updater as TF's loss term does. Gradients are clipped per parameter
 * tensor to L2 norm {@code gradientClip}, as the reference clips per variable (DL4J's per-layer clipping, which
 * {@link TrainingSettings} describes for RetinaNet, would also scale a batch norm's running-statistics updates,
 * which live in the same gradient view).
 */
public final class EfficientDetBuilder {
    private EfficientDetBuilder() {
    }

    public static ComputationGraphConfiguration build(EfficientDetSpec spec, TrainingSettings training) {
        int size = spec.imageSize();
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(training.seed())
                .updater(training.updater())
                .l2(training.weightDecay())
                .activation(Activation.IDENTITY)
                .gradientNormalization(GradientNormalization.ClipL2PerParamType)
                .gradientNormalizationThreshold(training.gradientClip())
                .graphBuilder()
                .addInputs(DetectorSpec.INPUT)
                .setInputTypes(InputType.convolutional(size, size, 3));
        EfficientNetBuilder backbone = spec.featureExtractor();
        backbone.addTo(graph, DetectorSpec.INPUT);
        List<String> levels = new BiFpnBuilder(spec.fpnWidth(), spec.fpnDepth(), spec.fusion(), spec.minLevel(), spec.maxLevel())
                .addTo(graph, backbone);
        EfficientDetHead.Outputs heads = new EfficientDetHead(spec.fpnWidth(), spec.headDepth(), spec.anchors().anchorsPerLocation(),
                spec.numClasses(), spec.minLevel(), mosaic(spec)).addTo(graph, levels);
        graph.addLayer(DetectorSpec.CLASS_OUTPUT, new LossLayer.Builder().lossFunction(new FocalLoss())
                        .activation(Activation.IDENTITY).build(), heads.classes())
                .addLayer(DetectorSpec.BOX_OUTPUT, new LossLayer.Builder().lossFunction(new HuberBoxLoss())
                        .activation(Activation.IDENTITY).build(), heads.boxes())
                .setOutputs(DetectorSpec.CLASS_OUTPUT, DetectorSpec.BOX_OUTPUT);
        return graph.build();
    }

    /** The pyramid's feature sizes, as the anchors compute them. */
    static LevelMosaic mosaic(EfficientDetSpec spec) {
        AnchorGrid grid = new AnchorGrid(spec.anchors(), spec.imageSize(), spec.imageSize());
        int levels = spec.anchors().levels();
        int[] heights = new int[levels];
        int[] widths = new int[levels];
        for (int l = 0; l < levels; l++) {
            heights[l] = grid.featureHeight(l);
            widths[l] = grid.featureWidth(l);
        }
        return new LevelMosaic(heights, widths);
    }
}

package org.detsearch.head;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * EfficientDet's class and box nets ({@code efficientdet_arch.class_net / box_net}): per level, {@code depth} x
 * (3x3 separable conv with bias -> BN -> swish), then a 3x3 separable predictor conv to A x K (class, bias from
 * the prior 0.01) or A x 4 (box, bias 0) channels. The convolution weights are shared by all levels, the batch
 * norms are not (one per repeat and level, the reference's {@code class-%d-bn-%d}).
 * <p>
 * DL4J cannot share one layer's weights between graph positions, and a batch norm hidden inside a custom
 * weight-sharing vertex would need its own running statistics, saved, averaged on Spark and switched at inference.
 * So the levels are laid side by side in one canvas ({@link LevelMosaic}): each shared convolution is one ordinary
 * DL4J separable convolution over the canvas (exactly the per-level convolution, the gaps being the zero padding),
 * each level is cut out again ({@link MosaicLevelVertex}) into its own ordinary DL4J {@code BatchNormalization},
 * whose running mean and variance DL4J updates, saves, averages and uses at inference as for any other layer.
 * Outputs are laid out as {@link SharedConvHead}'s ({@link MosaicAnchorsVertex}). Vertex names mirror the
 * reference's: {@code class_net_class_0}, {@code class_net_class_0_bn_3}, {@code class_net_class_predict}, ...
 */
public final class EfficientDetHead {
    private static final double PRIOR = 0.01;
    private static final double BN_DECAY = 0.99;
    private static final double BN_EPS = 1e-3;

    private final int width;
    private final int depth;
    private final int anchors;
    private final int classes;
    private final int minLevel;
    private final LevelMosaic mosaic;

    /** The two outputs: class logits [batch, anchors x classes] and box regressions [batch, anchors x 4]. */
    public record Outputs(String classes, String boxes) {
    }

    /**
     * @param mosaic the levels' feature sizes, P{minLevel} first
     */
    public EfficientDetHead(int width, int depth, int anchors, int classes, int minLevel, LevelMosaic mosaic) {
        if (width < 1 || depth < 0 || anchors < 1 || classes < 1) {
            throw new IllegalArgumentException("heads need width >= 1, depth >= 0, anchors >= 1 and classes >= 1");
        }
        this.width = width;
        this.depth = depth;
        this.anchors = anchors;
        this.classes = classes;
        this.minLevel = minLevel;
        this.mosaic = mosaic;
    }

    /** Adds both nets on {@code levels} (the BiFPN outputs, P{minLevel} first). */
    public Outputs addTo(ComputationGraphConfiguration.GraphBuilder graph, List<String> levels) {
        if (levels.size() != mosaic.levels()) {
            throw new IllegalArgumentException(levels.size() + " levels for a " + mosaic.levels() + "-level head");
        }
        graph.addVertex("head_mosaic", new MosaicVertex(), levels.toArray(String[]::new));
        return new Outputs(addNet(graph, "class_net", "class", anchors * classes, -Math.log((1 - PRIOR) / PRIOR)),
                addNet(graph, "box_net", "box", anchors * 4, 0));
    }

    private String addNet(ComputationGraphConfiguration.GraphBuilder graph, String net, String op, int predictions, double bias) {
        String input = "head_mosaic";
        for (int r = 0; r < depth; r++) {
            String conv = net + "_" + op + "_" + r;
            graph.addLayer(conv, separable(width, 0), input);
            String[] activations = new String[mosaic.levels()];
            for (int l = 0; l < mosaic.levels(); l++) {
                String bn = conv + "_bn_" + (minLevel + l);
                graph.addVertex(conv + "_p" + (minLevel + l), new MosaicLevelVertex(mosaic, l), conv)
                        .addLayer(bn, new BatchNormalization.Builder().decay(BN_DECAY).eps(BN_EPS).build(), conv + "_p" + (minLevel + l))
                        .addLayer(bn + "_act", new ActivationLayer.Builder().activation(Activation.SWISH).build(), bn);
                activations[l] = bn + "_act";
            }
            input = net + "_mosaic_" + (r + 1);
            graph.addVertex(input, new MosaicVertex(), activations);
        }
        String predict = net + "_" + op + "_predict";
        graph.addLayer(predict, separable(predictions, bias), input)
                .addVertex(net + "_anchors", new MosaicAnchorsVertex(mosaic), predict);
        return net + "_anchors";
    }

    /** 3x3 separable conv over the canvas; weights as the reference's variance scaling (fan-in). */
    private MosaicSeparableConvolution2D separable(int outputs, double bias) {
        return new MosaicSeparableConvolution2D(new SeparableConvolution2D.Builder(3, 3).nOut(outputs).depthMultiplier(1)
                .hasBias(true).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY)
                .weightInit(WeightInit.VAR_SCALING_NORMAL_FAN_IN).biasInit(bias), mosaic);
    }
}

package org.detsearch.neck;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.weights.WeightInit;
import org.detsearch.backbone.Backbone;
import org.detsearch.nn.GemmConvolution2D;
import org.detsearch.nn.ShiftedSeparableConvolution2D;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * EfficientDet's BiFPN as the reference builds it ({@code efficientdet_arch.build_feature_network}), from the node
 * list of {@link BiFpnNode#cell}, for any pyramid P{min}..P{max} with the backbone giving P{min}..P5:
 * <ul>
 * <li>P6.. from P5: {@code resample_p6} = 3x3 stride-2 max pool (SAME) of BN(1x1 conv(P5)), the conv only where
 * the channels differ from the BiFPN width; P7 (P8) = the same pool of the level below;</li>
 * <li>per cell and node, every input edge resampled on its own ({@code ..._resample_{idx}_{id}_{count}}): a 1x1 conv
 * (with bias) + BN where its channels differ from the width (only backbone features in the first cell), then
 * nearest-neighbour upsampling from a coarser level or a (stride + 1) max pool with the stride from a finer one;</li>
 * <li>fusion ({@link FusionMethod}), then swish -> 3x3 separable conv (with bias) -> BN, no activation after
 * (the code's order; the paper's text says conv -> BN -> act).</li>
 * </ul>
 * Vertex names follow the reference's scopes ({@code fpn_cells/cell_0/fnode3/op_after_combine8/conv} becomes
 * {@code fpn_cell0_fnode3_op_after_combine8_conv}). Weights start as Keras' defaults (Glorot uniform, zero bias).
 * The input size must halve exactly at every level (a multiple of 2^max), so that upsampled maps meet.
 */
public final class BiFpnBuilder {
    private static final double BN_DECAY = 0.99;
    private static final double BN_EPS = 1e-3;
    private static final int BACKBONE_MAX_LEVEL = 5;

    private final int width;
    private final int depth;
    private final FusionMethod fusion;
    private final int minLevel;
    private final int maxLevel;

    /** A feature of the pyramid being built: its vertex, level and channels. */
    private record Feature(String vertex, int level, int channels) {
    }

    public BiFpnBuilder(int width, int depth, FusionMethod fusion, int minLevel, int maxLevel) {
        if (width < 1 || depth < 1 || minLevel < 1 || minLevel > BACKBONE_MAX_LEVEL || maxLevel < BACKBONE_MAX_LEVEL) {
            throw new IllegalArgumentException("a BiFPN needs width >= 1, depth >= 1 and levels P" + minLevel + "-P" + maxLevel
                    + " with min <= 5 <= max (the backbone gives levels up to P5)");
        }
        this.width = width;
        this.depth = depth;
        this.fusion = fusion;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    /** Adds the pyramid after {@code backbone}; returns the vertices of the last cell's outputs P{min}..P{max}. */
    public List<String> addTo(ComputationGraphConfiguration.GraphBuilder graph, Backbone backbone) {
        List<Feature> features = new ArrayList<>();
        for (int level = minLevel; level <= BACKBONE_MAX_LEVEL; level++) {
            features.add(new Feature(backbone.featureOutput(level), level, backbone.featureChannels(level)));
        }
        for (int level = BACKBONE_MAX_LEVEL + 1; level <= maxLevel; level++) {
            features.add(resample(graph, "resample_p" + level, features.get(features.size() - 1), level));
        }
        List<BiFpnNode> nodes = BiFpnNode.cell(minLevel, maxLevel);
        for (int cell = 0; cell < depth; cell++) {
            features = addCell(graph, "fpn_cell" + cell + "_", features, nodes);
        }
        return features.stream().map(Feature::vertex).toList();
    }

    /** One cell: its inputs are P{min}..P{max}; returns the last node of every level, in level order. */
    private List<Feature> addCell(ComputationGraphConfiguration.GraphBuilder graph, String prefix, List<Feature> inputs,
                                  List<BiFpnNode> nodes) {
        List<Feature> features = new ArrayList<>(inputs);
        Feature[] lastOfLevel = inputs.toArray(Feature[]::new);
        for (int n = 0; n < nodes.size(); n++) {
            BiFpnNode node = nodes.get(n);
            String name = prefix + "fnode" + n + "_";
            String[] edges = new String[node.inputs().size()];
            for (int e = 0; e < edges.length; e++) {
                int id = node.inputs().get(e);
                edges[e] = resample(graph, name + "resample_" + e + "_" + id + "_" + features.size(), features.get(id), node.level()).vertex();
            }
            String combine = name + "op_after_combine" + features.size() + "_";
            graph.addVertex(name + "fuse", fusion == FusionMethod.FAST_ATTENTION ? new FastNormalizedFusion(edges.length)
                            : new ElementWiseVertex(ElementWiseVertex.Op.Add), edges)
                    .addLayer(combine + "act", new ActivationLayer.Builder().activation(Activation.SWISH).build(), name + "fuse")
                    .addLayer(combine + "conv", new ShiftedSeparableConvolution2D(new SeparableConvolution2D.Builder(3, 3).nOut(width)
                            .depthMultiplier(1).hasBias(true).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY)
                            .weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0)), combine + "act")
                    .addLayer(combine + "bn", batchNorm(), combine + "conv");
            Feature output = new Feature(combine + "bn", node.level(), width);
            features.add(output);
            lastOfLevel[node.level() - minLevel] = output;
        }
        return List.of(lastOfLevel);
    }

    /**
     * {@code feature} at {@code level} with the BiFPN's width: a 1x1 conv + BN if the channels differ (before any
     * pooling, the reference's {@code conv_after_downsample = False}), then up- or down-sampling; the feature itself
     * where nothing is needed.
     */
    private Feature resample(ComputationGraphConfiguration.GraphBuilder graph, String name, Feature feature, int level) {
        String vertex = feature.vertex();
        if (feature.channels() != width) {
            graph.addLayer(name + "_conv", new GemmConvolution2D(new ConvolutionLayer.Builder(1, 1).nOut(width).hasBias(true)
                            .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY)
                            .weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0)), vertex)
                    .addLayer(name + "_bn", batchNorm(), name + "_conv");
            vertex = name + "_bn";
        }
        int stride = 1 << Math.abs(feature.level() - level);
        if (feature.level() > level) {
            graph.addLayer(name + "_up", new Upsampling2D.Builder(stride).build(), vertex);
            vertex = name + "_up";
        } else if (feature.level() < level) {
            graph.addLayer(name + "_pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX,
                    new int[] {stride + 1, stride + 1}, new int[] {stride, stride}).convolutionMode(ConvolutionMode.Same).build(), vertex);
            vertex = name + "_pool";
        }
        return new Feature(vertex, level, width);
    }

    private static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().decay(BN_DECAY).eps(BN_EPS).build();
    }
}

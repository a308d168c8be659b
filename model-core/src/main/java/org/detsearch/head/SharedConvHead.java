package org.detsearch.head;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.detsearch.model.CountsMultiplyAdds;
import org.detsearch.nn.SameDiffVertexSettings;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * RetinaNet's class or box subnet with ONE set of convolution weights applied to every pyramid level, as the
 * reference shares them (DL4J layers cannot share weights between graph positions, so the whole subnet is one
 * SameDiff vertex with one parameter set; gradients from all levels add up in it).
 * <p>
 * Per level: {@code depth} x (3x3 conv, {@code channels} -> {@code channels}, [group norm], ReLU), then a 3x3
 * predictor conv to {@code anchors * outputsPerAnchor} channels. Group normalisation ({@code groupNormGroups} > 0;
 * 0 = none, as the original RetinaNet) is the normalised-head variant of RetinaNet/FCOS implementations: per image
 * and group of channels, so it needs no running statistics, and its scale and shift are shared across levels like
 * the convolutions. It lets a head trained from scratch learn far faster. Each level's prediction is laid out (y, x, anchor, output) and the
 * levels are concatenated, which is the anchor order of {@code AnchorGrid}: output [batch, sum_l H_l W_l A K].
 * Weights are stored [kH, kW, in, out] (SameDiff's native layout; its backprop mishandles other layouts), drawn
 * from N(0, 0.01) as RetinaNet initialises them; the predictor bias starts at {@code predictorBias} (for the
 * class net -log((1 - 0.01) / 0.01), so every anchor starts at probability 0.01).
 * Config fields are bean properties because DL4J serialises configurations through them.
 */
public class SharedConvHead extends SameDiffVertex implements CountsMultiplyAdds {
    static {
        // The probe builds and initialises a small network, which re-seeds ND4J's global random generator. Doing it
        // when this class loads (while a configuration is built) keeps it away from a network's initialisation,
        // whose seeded random stream would otherwise change with whether the probe had run yet in this JVM.
        SameDiffGradientProbe.correction();
    }

    private int levels;
    private int channels;
    private int depth;
    private int anchors;
    private int outputsPerAnchor;
    private double predictorBias;
    private int groupNormGroups;

    public SharedConvHead() {
    }

    public SharedConvHead(int levels, int channels, int depth, int anchors, int outputsPerAnchor, double predictorBias,
                          int groupNormGroups) {
        if (groupNormGroups < 0 || (groupNormGroups > 0 && channels % groupNormGroups != 0)) {
            throw new IllegalArgumentException("group norm groups must divide the " + channels + " channels, got " + groupNormGroups);
        }
        this.levels = levels;
        this.channels = channels;
        this.depth = depth;
        this.anchors = anchors;
        this.outputsPerAnchor = outputsPerAnchor;
        this.predictorBias = predictorBias;
        this.groupNormGroups = groupNormGroups;
    }

    /** The class subnet: K outputs per anchor, bias from the prior probability 0.01. */
    public static SharedConvHead classNet(int levels, int channels, int depth, int anchors, int classes, int groupNormGroups) {
        return new SharedConvHead(levels, channels, depth, anchors, classes, -Math.log((1 - 0.01) / 0.01), groupNormGroups);
    }

    /** The box subnet: (ty, tx, th, tw) per anchor, bias 0. */
    public static SharedConvHead boxNet(int levels, int channels, int depth, int anchors, int groupNormGroups) {
        return new SharedConvHead(levels, channels, depth, anchors, 4, 0, groupNormGroups);
    }

    private int predictions() {
        return anchors * outputsPerAnchor;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        String[] inputs = new String[levels];
        for (int i = 0; i < levels; i++) {
            inputs[i] = "level" + i;
        }
        params.defineInputs(inputs);
        for (int r = 0; r < depth; r++) {
            params.addWeightParam("W" + r, 3, 3, channels, channels);
            params.addBiasParam("b" + r, channels);
            if (groupNormGroups > 0) {
                // bias-like parameters: no weight decay, as the reference decays kernels only
                params.addBiasParam("gamma" + r, channels);
                params.addBiasParam("beta" + r, channels);
            }
        }
        params.addWeightParam("Wp", 3, 3, channels, predictions());
        params.addBiasParam("bp", predictions());
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            if (p.getKey().startsWith("W")) {
                p.getValue().assign(Nd4j.randn(p.getValue().dataType(), p.getValue().shape()).muli(0.01));
            } else if (p.getKey().startsWith("gamma")) {
                p.getValue().assign(1);
            } else {
                p.getValue().assign(p.getKey().equals("bp") ? predictorBias : 0);
            }
        }
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> inputs, Map<String, SDVariable> params,
                                   Map<String, SDVariable> masks) {
        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                .paddingMode(org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.VALID)
                .dataFormat("NCHW").build();
        SDVariable[] perLevel = new SDVariable[levels];
        for (int i = 0; i < levels; i++) {
            SDVariable x = inputs.get("level" + i);
            SDVariable h = x;
            for (int r = 0; r < depth; r++) {
                h = sd.cnn().conv2d(h, params.get("W" + r), params.get("b" + r), conv);
                if (groupNormGroups > 0) {
                    h = groupNorm(sd, h, params.get("gamma" + r), params.get("beta" + r));
                }
                h = sd.nn().relu(h, 0);
            }
            SDVariable prediction = sd.cnn().conv2d(h, params.get("Wp"), params.get("bp"), conv);
            SDVariable nhwc = sd.permute(prediction, 0, 2, 3, 1);
            SDVariable shape = sd.concat(0, sd.expandDims(sd.sizeAt(x, 0), 0).castTo(DataType.LONG),
                    sd.constant(Nd4j.createFromArray(-1L)));
            perLevel[i] = sd.reshape(nhwc, shape);
        }
        return levels == 1 ? sd.identity(perLevel[0]) : sd.concat(1, perLevel);
    }

    /** Per image, (x - mean) / sqrt(var + 1e-5) over each group of channels and all positions; then scale and shift. */
    private SDVariable groupNorm(SameDiff sd, SDVariable x, SDVariable gamma, SDVariable beta) {
        SDVariable grouped = sd.reshape(x, sd.concat(0, sd.expandDims(sd.sizeAt(x, 0), 0).castTo(DataType.LONG),
                sd.constant(Nd4j.createFromArray((long) groupNormGroups, -1L))));
        SDVariable centred = grouped.sub(sd.mean(grouped, true, 2));
        SDVariable variance = sd.mean(centred.mul(centred), true, 2);
        SDVariable normalised = sd.reshape(centred.div(sd.math().sqrt(variance.add(1e-5))), sd.shape(x));
        return normalised.mul(sd.reshape(gamma, 1, channels, 1, 1)).add(sd.reshape(beta, 1, channels, 1, 1));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        long total = 0;
        for (InputType input : vertexInputs) {
            InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) input;
            total += c.getHeight() * c.getWidth() * predictions();
        }
        return InputType.feedForward(total);
    }

    /** Every level runs the same convolutions: depth 3x3 C -> C, then the 3x3 predictor C -> A x K. */
    @Override
    public long multiplyAdds(InputType output, InputType... inputs) {
        long perPosition = 9L * channels * ((long) depth * channels + predictions());
        long positions = 0;
        for (InputType input : inputs) {
            InputType.InputTypeConvolutional level = (InputType.InputTypeConvolutional) input;
            positions += level.getHeight() * level.getWidth();
        }
        return positions * perPosition;
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        // The superclass records the vertex name there (its field is private; the updater finds vertices by it);
        // its uncorrected runtime vertex is dropped unused.
        super.instantiate(graph, name, idx, paramsView, false, networkDatatype);
        return new CorrectedSameDiffGraphVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    /** A copy with the training settings DL4J applied to this vertex (updaters, regularisation, clipping, type). */
    @Override
    public SharedConvHead clone() {
        return SameDiffVertexSettings.copy(this,
                new SharedConvHead(levels, channels, depth, anchors, outputsPerAnchor, predictorBias, groupNormGroups));
    }

    public int getLevels() {
        return levels;
    }

    public void setLevels(int levels) {
        this.levels = levels;
    }

    public int getChannels() {
        return channels;
    }

    public void setChannels(int channels) {
        this.channels = channels;
    }

    public int getDepth() {
        return depth;
    }

    public void setDepth(int depth) {
        this.depth = depth;
    }

    public int getAnchors() {
        return anchors;
    }

    public void setAnchors(int anchors) {
        this.anchors = anchors;
    }

    public int getOutputsPerAnchor() {
        return outputsPerAnchor;
    }

    public void setOutputsPerAnchor(int outputsPerAnchor) {
        this.outputsPerAnchor = outputsPerAnchor;
    }

    public double getPredictorBias() {
        return predictorBias;
    }

    public void setPredictorBias(double predictorBias) {
        this.predictorBias = predictorBias;
    }

    public int getGroupNormGroups() {
        return groupNormGroups;
    }

    public void setGroupNormGroups(int groupNormGroups) {
        this.groupNormGroups = groupNormGroups;
    }
}

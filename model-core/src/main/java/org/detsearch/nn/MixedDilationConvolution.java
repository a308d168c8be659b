package org.detsearch.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A KxK convolution (optionally grouped) whose output channels are split into contiguous segments, each computed
 * with its own dilation (d_h, d_w) and padding (d_h (k_h - 1) / 2, d_w (k_w - 1) / 2), then concatenated in segment
 * order: the transformed convolution of NATS (PAPERS 1.6, Fig. 3), with exactly the parameters and multiply-adds of
 * the convolution it replaces. Its parameters have that convolution's names and shapes ({@code b} [C_out],
 * {@code W} [C_out, C_in / groups, kH, kW], in DL4J's flat order), so pretrained weights load into it by name and
 * segment s uses the pretrained kernel's output-channel slice s.
 * <p>
 * With one segment of dilation 1 it is a plain convolution; DetSearch also uses it as its grouped convolution
 * (ResNeXt), which DL4J 1.0.0-M2.1 lacks. With groups, every segment must cover whole groups (a multiple of
 * C_out / groups channels): a segment's sub-convolution is the grouped convolution of its groups' input channels.
 * No activation (the block's batch norm and ReLU follow). Configuration fields are bean properties: DL4J serialises
 * layer configurations through them.
 */
public class MixedDilationConvolution extends HandwrittenConvolution {
    public static final String WEIGHT_KEY = "W";
    public static final String BIAS_KEY = "b";

    private int kernelSize = 3;
    private int[] segmentChannels = new int[0];

    public MixedDilationConvolution() {
    }

    /**
     * @param segmentChannels output channels of each segment (they sum to C_out)
     * @param dilations       (d_h, d_w) of each segment
     */
    public MixedDilationConvolution(String name, int kernelSize, int stride, int groups, boolean hasBias,
                                    int[] segmentChannels, int[][] dilations) {
        this();
        if (segmentChannels.length == 0 || segmentChannels.length != dilations.length) {
            throw new IllegalArgumentException(name + ": need one dilation per segment and at least one segment, got "
                    + segmentChannels.length + " segments and " + dilations.length + " dilations");
        }
        this.layerName = name;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.groups = groups;
        this.hasBias = hasBias;
        this.segmentChannels = segmentChannels.clone();
        this.dilationHeights = Arrays.stream(dilations).mapToInt(d -> d[0]).toArray();
        this.dilationWidths = Arrays.stream(dilations).mapToInt(d -> d[1]).toArray();
        this.nOut = Arrays.stream(segmentChannels).sum();
        validate();
    }

    /** A plain (grouped) KxK convolution, dilation 1. */
    public static MixedDilationConvolution plain(String name, int kernelSize, int stride, int groups, boolean hasBias, int nOut) {
        return new MixedDilationConvolution(name, kernelSize, stride, groups, hasBias, new int[] {nOut}, new int[][] {{1, 1}});
    }

    @Override
    protected void validate() {
        long channels = Arrays.stream(segmentChannels).asLongStream().sum();
        if (channels != nOut || Arrays.stream(segmentChannels).anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException(layerName + ": segments " + Arrays.toString(segmentChannels)
                    + " must be positive and sum to the " + nOut + " output channels");
        }
        checkGroups();
        long perGroup = nOut / groups;
        for (int s = 0; s < segmentChannels.length; s++) {
            if (groups > 1 && segmentChannels[s] % perGroup != 0) {
                throw new IllegalArgumentException(layerName + ": segment " + s + " (" + segmentChannels[s]
                        + " channels) does not cover whole groups of " + perGroup + " channels");
            }
            geometry(s, 1);
        }
    }

    /** The convolution computing segment s, over {@code segmentGroups} groups. */
    GroupedConv2d geometry(int segment, int segmentGroups) {
        return new GroupedConv2d(kernelSize, kernelSize, stride, dilationHeights[segment], dilationWidths[segment], segmentGroups);
    }

    public int segments() {
        return segmentChannels.length;
    }

    /** First output channel of segment s. */
    public int segmentStart(int segment) {
        return Arrays.stream(segmentChannels, 0, segment).sum();
    }

    @Override
    public ParamLayout paramLayout() {
        List<ParamLayout.Entry> entries = new ArrayList<>();
        if (hasBias) {
            entries.add(new ParamLayout.Entry(BIAS_KEY, new long[] {nOut}, ParamLayout.Role.BIAS));
        }
        entries.add(new ParamLayout.Entry(WEIGHT_KEY, new long[] {nOut, nIn / groups, kernelSize, kernelSize}, ParamLayout.Role.WEIGHT));
        return new ParamLayout(entries);
    }

    @Override
    public void initialiseParam(String name, INDArray view) {
        if (name.equals(BIAS_KEY)) {
            view.assign(Double.isNaN(biasInit) ? 0 : biasInit);
        } else {
            double fanIn = (double) nIn / groups * kernelSize * kernelSize;
            double fanOut = (double) nOut / groups * kernelSize * kernelSize / ((double) stride * stride);
            weightInitFn.init(fanIn, fanOut, view.shape(), 'c', view);
        }
    }

    @Override
    protected GroupedConv2d outputGeometry() {
        return geometry(0, 1);
    }

    @Override
    protected org.deeplearning4j.nn.layers.BaseLayer<?> runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new MixedDilationConvolutionLayer(conf, dataType);
    }

    @Override
    protected int trainingWorkingOutputs() {
        return 2;
    }

    @Override
    public long multiplyAdds(InputType output, InputType... inputs) {
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) output;
        long inChannels = ((InputType.InputTypeConvolutional) inputs[0]).getChannels();
        long total = 0;
        for (int s = 0; s < segments(); s++) {
            total += geometry(s, groups).multiplyAdds(out.getHeight(), out.getWidth(), segmentChannels[s], inChannels);
        }
        return total;
    }

    @Override
    public MixedDilationConvolution clone() {
        MixedDilationConvolution copy = (MixedDilationConvolution) super.clone();
        copy.segmentChannels = segmentChannels.clone();
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MixedDilationConvolution m && super.equals(o) && kernelSize == m.kernelSize
                && Arrays.equals(segmentChannels, m.segmentChannels);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), kernelSize,
                Arrays.hashCode(segmentChannels));
    }

    public int getKernelSize() {
        return kernelSize;
    }

    public void setKernelSize(int kernelSize) {
        this.kernelSize = kernelSize;
    }

    public int[] getSegmentChannels() {
        return segmentChannels.clone();
    }

    public void setSegmentChannels(int[] segmentChannels) {
        this.segmentChannels = segmentChannels.clone();
    }
}

package org.detsearch.nn;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.detsearch.model.CountsMultiplyAdds;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Objects;

/**
 * What DetSearch's convolution layer configurations with hand-written forward and backward passes share: NCHW
 * input, a stride, groups, an optional bias, parameters laid out by {@link LayoutParamInitializer}, an output size
 * that does not depend on the dilation ({@link GroupedConv2d}), no activation (batch norm and ReLU follow as
 * layers of their own). Fields are bean properties, as DL4J serialises configurations through them.
 */
public abstract class HandwrittenConvolution extends FeedForwardLayer implements HasParamLayout, CountsMultiplyAdds {
    protected int stride = 1;
    protected int groups = 1;
    protected boolean hasBias = true;
    /** Dilation (height, width) of each of the layer's convolutions: its segments or its candidates. */
    protected int[] dilationHeights = new int[0];
    protected int[] dilationWidths = new int[0];

    protected HandwrittenConvolution() {
        activationFn = new ActivationIdentity();
    }

    /** Checks the configuration; the message names the layer. */
    protected abstract void validate();

    /** The geometry of one of the layer's convolutions (they all give the same output size). */
    protected abstract GroupedConv2d outputGeometry();

    /** The runtime layer for {@code conf}. */
    protected abstract BaseLayer<?> runtime(NeuralNetConfiguration conf, DataType dataType);

    /** Arrays of the output's size that training holds per example besides input and output (for memory reports). */
    protected abstract int trainingWorkingOutputs();

    protected void checkGroups() {
        if (groups < 1 || nOut % groups != 0 || (nIn > 0 && nIn % groups != 0)) {
            throw new IllegalArgumentException(layerName + ": " + groups + " groups must divide the input (" + nIn
                    + ") and output (" + nOut + ") channels");
        }
    }

    @Override
    public final org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                             int layerIndex, INDArray paramsView, boolean initializeParams,
                                                             DataType networkDataType) {
        validate();
        return RuntimeLayers.wire(runtime(conf, networkDataType), conf, listeners, layerIndex, paramsView, initializer(), initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return LayoutParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(inputType);
        GroupedConv2d conv = outputGeometry();
        return InputType.convolutional(conv.outputSize(in.getHeight()), conv.outputSize(in.getWidth()), nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = convolutional(inputType).getChannels();
        }
    }

    private InputType.InputTypeConvolutional convolutional(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException(layerName + ": expects an NCHW convolutional input, got " + inputType);
        }
        return c;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, layerName);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType output = getOutputType(-1, inputType);
        long params = paramLayout().numParams();
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, output)
                .standardMemory(params, getIUpdater() == null ? 0 : getIUpdater().stateSize(params))
                .workingMemory(0, output.arrayElementsPerExample(), 0, trainingWorkingOutputs() * output.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }

    @Override
    public HandwrittenConvolution clone() {
        HandwrittenConvolution copy = (HandwrittenConvolution) super.clone();
        copy.dilationHeights = dilationHeights.clone();
        copy.dilationWidths = dilationWidths.clone();
        return copy;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandwrittenConvolution h && o.getClass() == getClass() && super.equals(o)
                && stride == h.stride && groups == h.groups && hasBias == h.hasBias
                && java.util.Arrays.equals(dilationHeights, h.dilationHeights) && java.util.Arrays.equals(dilationWidths, h.dilationWidths);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), stride, groups, hasBias, java.util.Arrays.hashCode(dilationHeights),
                java.util.Arrays.hashCode(dilationWidths));
    }

    public int getStride() {
        return stride;
    }

    public void setStride(int stride) {
        this.stride = stride;
    }

    public int getGroups() {
        return groups;
    }

    public void setGroups(int groups) {
        this.groups = groups;
    }

    public boolean isHasBias() {
        return hasBias;
    }

    public void setHasBias(boolean hasBias) {
        this.hasBias = hasBias;
    }

    public int[] getDilationHeights() {
        return dilationHeights.clone();
    }

    public void setDilationHeights(int[] dilationHeights) {
        this.dilationHeights = dilationHeights.clone();
    }

    public int[] getDilationWidths() {
        return dilationWidths.clone();
    }

    public void setDilationWidths(int[] dilationWidths) {
        this.dilationWidths = dilationWidths.clone();
    }
}

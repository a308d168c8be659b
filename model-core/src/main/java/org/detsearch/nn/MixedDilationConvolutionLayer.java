package org.detsearch.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link MixedDilationConvolution}: forward and backward by hand through {@link GroupedConv2d}, one
 * sub-convolution per segment, each writing (and reading the error of) its own contiguous output-channel slice.
 */
public class MixedDilationConvolutionLayer extends HandwrittenConvolutionLayer<MixedDilationConvolution> {
    public MixedDilationConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** One segment's sub-convolution: its geometry, input-channel slice and output-channel slice. */
    private record Segment(GroupedConv2d conv, long inFrom, long inCount, long outFrom, long outCount) {
    }

    private Segment segment(int s) {
        MixedDilationConvolution c = layerConf();
        long outPerGroup = c.getNOut() / c.getGroups();
        long inPerGroup = c.getNIn() / c.getGroups();
        long outFrom = c.segmentStart(s);
        long outCount = c.getSegmentChannels()[s];
        if (c.getGroups() == 1) {
            return new Segment(c.geometry(s, 1), 0, c.getNIn(), outFrom, outCount);
        }
        int firstGroup = (int) (outFrom / outPerGroup);
        int groups = (int) (outCount / outPerGroup);
        return new Segment(c.geometry(s, groups), firstGroup * inPerGroup, groups * inPerGroup, outFrom, outCount);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = input.castTo(dataType);
        INDArray w = getParamWithNoise(MixedDilationConvolution.WEIGHT_KEY, training, workspaceMgr);
        GroupedConv2d any = segment(0).conv();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {x.size(0), layerConf().getNOut(), any.outputSize(x.size(2)), any.outputSize(x.size(3))}, 'c');
        for (int s = 0; s < layerConf().segments(); s++) {
            Segment seg = segment(s);
            seg.conv().forward(Views.interval(x, 1, seg.inFrom(), seg.inCount()),
                    Views.interval(w, 0, seg.outFrom(), seg.outCount()),
                    Views.interval(out, 1, seg.outFrom(), seg.outCount()));
        }
        if (layerConf().isHasBias()) {
            INDArray b = getParamWithNoise(MixedDilationConvolution.BIAS_KEY, training, workspaceMgr);
            Nd4j.getExecutioner().exec(new BroadcastAddOp(out, b, out, 1));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = input.castTo(dataType);
        INDArray w = getParamWithNoise(MixedDilationConvolution.WEIGHT_KEY, true, workspaceMgr);
        INDArray gradW = gradientViews.get(MixedDilationConvolution.WEIGHT_KEY);
        INDArray epsilonOut = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        for (int s = 0; s < layerConf().segments(); s++) {
            Segment seg = segment(s);
            seg.conv().backward(Views.interval(x, 1, seg.inFrom(), seg.inCount()),
                    Views.interval(w, 0, seg.outFrom(), seg.outCount()),
                    Views.interval(epsilon, 1, seg.outFrom(), seg.outCount()),
                    Views.interval(epsilonOut, 1, seg.inFrom(), seg.inCount()),
                    Views.interval(gradW, 0, seg.outFrom(), seg.outCount()));
        }
        Gradient gradient = new DefaultGradient();
        if (layerConf().isHasBias()) {
            INDArray gradB = gradientViews.get(MixedDilationConvolution.BIAS_KEY);
            gradB.assign(epsilon.sum(0, 2, 3));
            gradient.gradientForVariable().put(MixedDilationConvolution.BIAS_KEY, gradB);
        }
        gradient.gradientForVariable().put(MixedDilationConvolution.WEIGHT_KEY, gradW);
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonOut));
    }
}

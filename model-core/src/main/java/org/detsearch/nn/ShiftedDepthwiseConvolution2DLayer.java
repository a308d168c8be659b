package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A depthwise convolution as k x k shifted multiply-adds: output = sum over taps (i, j) of w[i, j, c] times the
 * zero-padded input seen through a strided view starting at (i, j). Each tap is one broadcast multiply over the
 * whole minibatch, vectorised and multi-threaded by ND4J, where libnd4j's depthwise op loops over channels with
 * im2col. Backward is the same walk: the kernel gradient of a tap is the sum of error x view, the input error the
 * sum of error x w scattered into the same views. Padding as DL4J's (TF's SAME: the odd pixel at the bottom/right).
 */
public class ShiftedDepthwiseConvolution2DLayer extends DepthwiseConvolution2DLayer {
    public ShiftedDepthwiseConvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Sizes of one pass: output, kernel, stride, top/left padding and the padded input. */
    private record Geometry(int outH, int outW, int kH, int kW, int sH, int sW, int padTop, int padLeft, int paddedH, int paddedW) {
        /** The padded input's positions tap (i, j) reads for every output position. */
        INDArrayIndex[] tap(int i, int j) {
            return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(i, sH, i + (long) (outH - 1) * sH + 1),
                    NDArrayIndex.interval(j, sW, j + (long) (outW - 1) * sW + 1)};
        }

        /** Where the unpadded input sits in the padded one. */
        INDArrayIndex[] interior(long h, long w) {
            return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(padTop, padTop + h), NDArrayIndex.interval(padLeft, padLeft + w)};
        }
    }

    private ShiftedDepthwiseConvolution2D config() {
        return (ShiftedDepthwiseConvolution2D) layerConf();
    }

    private Geometry geometry(INDArray x) {
        ShiftedDepthwiseConvolution2D c = config();
        int[] kernel = c.getKernelSize();
        int[] stride = c.getStride();
        int[] dilation = c.getDilation();
        int inH = (int) x.size(2);
        int inW = (int) x.size(3);
        int[] out;
        int[] pad;
        if (c.getConvolutionMode() == ConvolutionMode.Same) {
            out = ConvolutionUtils.getOutputSize(x, kernel, stride, null, ConvolutionMode.Same, dilation, c.getCnn2dDataFormat());
            pad = ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {inH, inW}, kernel, stride, dilation);
        } else {
            pad = c.getPadding();
            out = ConvolutionUtils.getOutputSize(x, kernel, stride, pad, c.getConvolutionMode(), dilation, c.getCnn2dDataFormat());
        }
        // large enough for the last tap of the last output position, and for the whole input
        int paddedH = Math.max((out[0] - 1) * stride[0] + kernel[0], pad[0] + inH);
        int paddedW = Math.max((out[1] - 1) * stride[1] + kernel[1], pad[1] + inW);
        return new Geometry(out[0], out[1], kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], paddedH, paddedW);
    }

    private INDArray padded(INDArray x, Geometry g) {
        INDArray padded = Nd4j.zeros(x.dataType(), x.size(0), x.size(1), g.paddedH(), g.paddedW());
        padded.get(g.interior(x.size(2), x.size(3))).assign(x);
        return padded;
    }

    /** The kernel [kH, kW, C, 1] as one row of C values per tap (row i * kW + j), a view of the same memory. */
    private static INDArray taps(INDArray kernel) {
        return kernel.reshape('c', kernel.size(0) * kernel.size(1), kernel.size(2));
    }

    /** Tap {@code t}'s kernel values as [1, C, 1, 1], for broadcasting over the minibatch. */
    private static INDArray tapWeights(INDArray taps, int t) {
        return taps.getRow(t).reshape(1, taps.size(1), 1, 1);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!config().shifted()) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        assertInputSet(false);
        INDArray w = getParamWithNoise(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray x = input.castTo(dataType);
        if (x.rank() != 4 || x.size(1) != w.size(2)) {
            return super.preOutput(training, forBackprop, workspaceMgr); // DL4J's own message for a wrong input
        }
        Geometry g = geometry(x);
        INDArray xp = padded(x, g);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, w.dataType(), new long[] {x.size(0), x.size(1), g.outH(), g.outW()}, 'c');
        INDArray taps = taps(w);
        for (int i = 0; i < g.kH(); i++) {
            for (int j = 0; j < g.kW(); j++) {
                INDArray product = xp.get(g.tap(i, j)).mul(tapWeights(taps, i * g.kW() + j));
                if (i == 0 && j == 0) {
                    out.assign(product);
                } else {
                    out.addi(product);
                }
            }
        }
        if (layerConf().hasBias()) {
            INDArray b = getParamWithNoise(DepthwiseConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
            out.addi(b.reshape(1, b.length(), 1, 1));
        }
        return new Pair<>(out, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!config().shifted()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray w = getParamWithNoise(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray x = input.castTo(dataType);
        // the error of the pre-activation; an identity activation (EfficientNet's) needs no second forward pass
        INDArray delta = layerConf().getActivationFn() instanceof ActivationIdentity ? epsilon
                : layerConf().getActivationFn().backprop(preOutput(true, true, workspaceMgr).getFirst(), epsilon).getFirst();
        Geometry g = geometry(x);
        INDArray xp = padded(x, g);
        INDArray paddedError = Nd4j.zeros(w.dataType(), x.size(0), x.size(1), g.paddedH(), g.paddedW());
        INDArray gradW = gradientViews.get(DepthwiseConvolutionParamInitializer.WEIGHT_KEY);
        INDArray taps = taps(w);
        INDArray gradTaps = taps(gradW);
        for (int i = 0; i < g.kH(); i++) {
            for (int j = 0; j < g.kW(); j++) {
                INDArrayIndex[] tap = g.tap(i, j);
                int t = i * g.kW() + j;
                gradTaps.getRow(t).assign(delta.mul(xp.get(tap)).sum(0, 2, 3));
                paddedError.get(tap).addi(delta.mul(tapWeights(taps, t)));
            }
        }
        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            INDArray gradB = gradientViews.get(DepthwiseConvolutionParamInitializer.BIAS_KEY);
            gradB.assign(delta.sum(0, 2, 3).reshape(gradB.shape()));
            gradient.setGradientFor(DepthwiseConvolutionParamInitializer.BIAS_KEY, gradB);
        }
        gradient.setGradientFor(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        INDArray inputError = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, w.dataType(), x.shape(), 'c');
        inputError.assign(paddedError.get(g.interior(x.size(2), x.size(3))));
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(inputError));
    }
}

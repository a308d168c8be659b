package org.detsearch.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.SeparableConvolution2DLayer;
import org.deeplearning4j.nn.params.SeparableConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ShiftedSeparableConvolution2D}. DL4J's parameters: depthwise [1, C, kH, kW], pointwise
 * [nOut, C, 1, 1], bias [1, nOut]. The pointwise half is a product of [nOut, C] with the depthwise output laid out
 * as [C, N x H x W].
 */
public class ShiftedSeparableConvolution2DLayer extends SeparableConvolution2DLayer {
    public ShiftedSeparableConvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ShiftedSeparableConvolution2D config() {
        return (ShiftedSeparableConvolution2D) layerConf();
    }

    /** The depthwise kernel [1, C, kH, kW] as one row of C values per tap (row i * kW + j), a view. */
    private static INDArray taps(INDArray depthwise) {
        return depthwise.reshape('c', depthwise.size(1), depthwise.size(2) * depthwise.size(3)).transpose();
    }

    /** [N, C, H, W] as [C, N x H x W] (a copy). */
    private static INDArray channelRows(INDArray x) {
        return x.permute(1, 0, 2, 3).dup('c').reshape('c', x.size(1), x.size(0) * x.size(2) * x.size(3));
    }

    /** The depthwise half's output: [N, C, outH, outW]. */
    private INDArray depthwise(INDArray x, ConvGeometry g, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray dw = getParamWithNoise(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY, training, workspaceMgr);
        INDArray out = Nd4j.createUninitialized(dw.dataType(), g.outputShape(x, x.size(1)));
        ShiftedDepthwise.forward(g.padded(x, 0), taps(dw), g, out);
        return out;
    }

    private static INDArray pointwise2d(INDArray pointwise) {
        return pointwise.reshape('c', pointwise.size(0), pointwise.size(1));
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!config().shifted() || input == null || input.rank() != 4 || input.size(1) != config().getNIn()) {
            return super.preOutput(training, forBackprop, workspaceMgr); // also DL4J's message for a wrong input
        }
        INDArray x = input.castTo(dataType);
        ConvGeometry g = ConvGeometry.of(config(), x);
        INDArray hidden = depthwise(x, g, training, workspaceMgr);
        INDArray pw = getParamWithNoise(SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY, training, workspaceMgr);
        long n = x.size(0);
        long nOut = pw.size(0);
        INDArray product = pointwise2d(pw).mmul(channelRows(hidden)); // [nOut, N x H x W]
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, pw.dataType(), new long[] {n, nOut, g.outH(), g.outW()}, 'c');
        out.assign(product.reshape('c', nOut, n, g.outH(), g.outW()).permute(1, 0, 2, 3));
        if (layerConf().hasBias()) {
            INDArray b = getParamWithNoise(SeparableConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
            out.addi(b.reshape(1, nOut, 1, 1));
        }
        return new Pair<>(out, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!config().shifted()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray x = input.castTo(dataType);
        INDArray delta = ShiftedDepthwise.preActivationError(layerConf().getActivationFn(),
                () -> preOutput(true, true, workspaceMgr).getFirst(), epsilon);
        ConvGeometry g = ConvGeometry.of(config(), x);
        INDArray dw = getParamWithNoise(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY, true, workspaceMgr);
        INDArray pw = pointwise2d(getParamWithNoise(SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY, true, workspaceMgr));
        INDArray hiddenRows = channelRows(depthwise(x, g, true, workspaceMgr)); // [C, N x H x W]
        INDArray deltaRows = channelRows(delta);                                // [nOut, N x H x W]

        INDArray gradPw = gradientViews.get(SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY);
        pointwise2d(gradPw).assign(deltaRows.mmul(hiddenRows.transpose()));
        INDArray hiddenError = pw.transpose().mmul(deltaRows)                  // [C, N x H x W]
                .reshape('c', x.size(1), x.size(0), g.outH(), g.outW()).permute(1, 0, 2, 3).dup('c');
        INDArray gradDw = gradientViews.get(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY);
        INDArray paddedError = ShiftedDepthwise.backward(g.padded(x, 0), taps(dw), hiddenError, g, taps(gradDw));

        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            String bias = SeparableConvolutionParamInitializer.BIAS_KEY;
            ShiftedDepthwise.biasGradient(delta, gradientViews.get(bias), gradient, bias);
        }
        gradient.setGradientFor(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY, gradDw, 'c');
        gradient.setGradientFor(SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY, gradPw, 'c');
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(ShiftedDepthwise.inputError(paddedError, g, x, workspaceMgr)));
    }
}

package org.detsearch.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link ShiftedDepthwiseConvolution2D}: {@link ShiftedDepthwise} on DL4J's kernel [kH, kW, C, 1]. */
public class ShiftedDepthwiseConvolution2DLayer extends DepthwiseConvolution2DLayer {
    public ShiftedDepthwiseConvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ShiftedDepthwiseConvolution2D config() {
        return (ShiftedDepthwiseConvolution2D) layerConf();
    }

    /** The kernel [kH, kW, C, 1] as one row of C values per tap (row i * kW + j), a view of the same memory. */
    private static INDArray taps(INDArray kernel) {
        return kernel.reshape('c', kernel.size(0) * kernel.size(1), kernel.size(2));
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParamWithNoise(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        if (!config().shifted() || input == null || input.rank() != 4 || input.size(1) != w.size(2)) {
            return super.preOutput(training, forBackprop, workspaceMgr); // also DL4J's message for a wrong input
        }
        INDArray x = input.castTo(dataType);
        ConvGeometry g = ConvGeometry.of(config(), x);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, w.dataType(), g.outputShape(x, x.size(1)), 'c');
        ShiftedDepthwise.forward(g.padded(x, 0), taps(w), g, out);
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
        INDArray delta = ShiftedDepthwise.preActivationError(layerConf().getActivationFn(),
                () -> preOutput(true, true, workspaceMgr).getFirst(), epsilon);
        ConvGeometry g = ConvGeometry.of(config(), x);
        INDArray gradW = gradientViews.get(DepthwiseConvolutionParamInitializer.WEIGHT_KEY);
        INDArray paddedError = ShiftedDepthwise.backward(g.padded(x, 0), taps(w), delta, g, taps(gradW));
        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            String bias = DepthwiseConvolutionParamInitializer.BIAS_KEY;
            ShiftedDepthwise.biasGradient(delta, gradientViews.get(bias), gradient, bias);
        }
        gradient.setGradientFor(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(ShiftedDepthwise.inputError(paddedError, g, x, workspaceMgr)));
    }
}

package org.detsearch.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link GemmConvolution2D}: {@link GemmConvolution} on DL4J's kernel [C_out, C_in, kH, kW] and bias [1, C_out]. */
public class GemmConvolution2DLayer extends ConvolutionLayer {
    public GemmConvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private GemmConvolution2D config() {
        return (GemmConvolution2D) layerConf();
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!config().products() || input == null || input.rank() != 4 || input.size(1) != config().getNIn()) {
            return super.preOutput(training, forBackprop, workspaceMgr); // also DL4J's message for a wrong input
        }
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray x = GemmConvolution.dense(input.castTo(dataType));
        ConvGeometry g = ConvGeometry.of(config(), x);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, w.dataType(), g.outputShape(x, w.size(0)), 'c');
        GemmConvolution.forward(x, w, g, out);
        if (layerConf().hasBias()) {
            INDArray b = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
            out.addi(b.reshape(1, b.length(), 1, 1));
        }
        return new Pair<>(out, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!config().products()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray x = GemmConvolution.dense(input.castTo(dataType));
        INDArray delta = ShiftedDepthwise.preActivationError(layerConf().getActivationFn(),
                () -> preOutput(true, true, workspaceMgr).getFirst(), epsilon.castTo(dataType));
        ConvGeometry g = ConvGeometry.of(config(), x);
        INDArray gradW = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray inputError = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        GemmConvolution.backward(x, w, delta, g, gradW, inputError);
        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            String bias = ConvolutionParamInitializer.BIAS_KEY;
            ShiftedDepthwise.biasGradient(delta, gradientViews.get(bias), gradient, bias);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(inputError));
    }
}

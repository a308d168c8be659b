package org.detsearch.nats;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.detsearch.nn.HandwrittenConvolutionLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.detsearch.nn.GroupedConv2d;
import org.detsearch.nn.Views;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link DilationSearchConvolution}, forward and backward by hand. With a = softmax(alpha) [N, K] and
 * the one-hot map E [N, C] of channels to their search group, the per-channel weight of candidate g is
 * A[g] = (a^T E)[g]; the output is sum_g A[g] * y_g. Backward: dL/dy_g = A[g] * eps, dL/dA[g, c] = sum over batch
 * and positions of eps * y_g, dL/da = dL/dA E^T, and through the softmax dL/dalpha = a * (dL/da - sum_g a dL/da).
 * In training the candidates' outputs y_g are kept (in the activations workspace, which lives until backprop ends)
 * for dL/dA.
 */
public class DilationSearchConvolutionLayer extends HandwrittenConvolutionLayer<DilationSearchConvolution> {
    private INDArray candidateOutputs;
    private INDArray candidateOutputsInput;

    public DilationSearchConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** softmax(alpha) per search group: [N, K]. */
    private INDArray mixing(INDArray alpha) {
        INDArray shifted = alpha.subColumnVector(alpha.max(1).reshape(-1, 1));
        INDArray e = Transforms.exp(shifted, true);
        return e.diviColumnVector(e.sum(1).reshape(-1, 1));
    }

    /** E [N, C]: 1 where channel c belongs to search group i. */
    private INDArray groupMap(long channels, int searchGroups) {
        INDArray map = Nd4j.zeros(dataType, searchGroups, channels);
        long size = channels / searchGroups;
        for (int i = 0; i < searchGroups; i++) {
            map.get(NDArrayIndex.point(i), NDArrayIndex.interval(i * size, (i + 1) * size)).assign(1);
        }
        return map;
    }

    private INDArray copy(INDArray param, int candidate) {
        return Views.row(param, layerConf().copies() == 1 ? 0 : candidate);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        DilationSearchConvolution c = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray w = getParamWithNoise(DilationSearchConvolution.WEIGHT_KEY, training, workspaceMgr);
        int k = c.candidates();
        GroupedConv2d first = c.candidate(0);
        long[] outShape = {x.size(0), c.getNOut(), first.outputSize(x.size(2)), first.outputSize(x.size(3))};
        INDArray ys = training
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {k, outShape[0], outShape[1], outShape[2], outShape[3]}, 'c')
                : Nd4j.createUninitialized(dataType, k, outShape[0], outShape[1], outShape[2], outShape[3]);
        INDArray weights = mixing(getParam(DilationSearchConvolution.ALPHA_KEY)).transpose().mmul(groupMap(c.getNOut(), c.getSearchGroups()));
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType, outShape, 'c');
        for (int g = 0; g < k; g++) {
            INDArray y = Views.row(ys, g);
            c.candidate(g).forward(x, copy(w, g), y);
            if (c.isHasBias()) {
                Nd4j.getExecutioner().exec(new BroadcastAddOp(y, copy(getParam(DilationSearchConvolution.BIAS_KEY), g), y, 1));
            }
            out.addi(Nd4j.getExecutioner().exec(new BroadcastMulOp(y, weights.getRow(g), y.ulike(), 1)));
        }
        candidateOutputs = training ? ys : null;
        candidateOutputsInput = training ? input : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (candidateOutputs == null || candidateOutputsInput != input) {
            activate(true, workspaceMgr);
        }
        DilationSearchConvolution c = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray w = getParamWithNoise(DilationSearchConvolution.WEIGHT_KEY, true, workspaceMgr);
        INDArray a = mixing(getParam(DilationSearchConvolution.ALPHA_KEY));
        INDArray map = groupMap(c.getNOut(), c.getSearchGroups());
        INDArray weights = a.transpose().mmul(map);
        int k = c.candidates();
        INDArray gradW = gradientViews.get(DilationSearchConvolution.WEIGHT_KEY);
        INDArray gradB = c.isHasBias() ? gradientViews.get(DilationSearchConvolution.BIAS_KEY) : null;
        gradW.assign(0);
        if (gradB != null) {
            gradB.assign(0);
        }
        INDArray epsilonOut = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray gradWeights = Nd4j.create(dataType, k, c.getNOut());
        INDArray kernelGrad = Nd4j.createUninitialized(dataType, Views.row(w, 0).shape());
        for (int g = 0; g < k; g++) {
            gradWeights.getRow(g).assign(epsilon.mul(Views.row(candidateOutputs, g)).sum(0, 2, 3));
            INDArray eps = Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, weights.getRow(g), epsilon.ulike(), 1));
            c.candidate(g).backward(x, copy(w, g), eps, epsilonOut, kernelGrad);
            copy(gradW, g).addi(kernelGrad);
            if (gradB != null) {
                copy(gradB, g).addi(eps.sum(0, 2, 3));
            }
        }
        INDArray gradA = gradWeights.mmul(map.transpose()).transpose();
        INDArray gradAlpha = gradA.subColumnVector(a.mul(gradA).sum(1).reshape(-1, 1)).muli(a);
        INDArray alphaView = gradientViews.get(DilationSearchConvolution.ALPHA_KEY);
        alphaView.assign(gradAlpha);
        Gradient gradient = new DefaultGradient();
        if (gradB != null) {
            gradient.gradientForVariable().put(DilationSearchConvolution.BIAS_KEY, gradB);
        }
        gradient.gradientForVariable().put(DilationSearchConvolution.WEIGHT_KEY, gradW);
        gradient.gradientForVariable().put(DilationSearchConvolution.ALPHA_KEY, alphaView);
        candidateOutputs = null;
        candidateOutputsInput = null;
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonOut));
    }

    /** softmax(alpha) per search group, [N, |G|]: what {@link GenotypeDecoder} reads. */
    public INDArray mixingWeights() {
        return mixing(getParam(DilationSearchConvolution.ALPHA_KEY));
    }

    @Override
    public void clear() {
        super.clear();
        candidateOutputs = null;
        candidateOutputsInput = null;
    }
}

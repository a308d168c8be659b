package org.detsearch.nn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;

import java.util.function.Supplier;

/**
 * A depthwise convolution (NCHW, depth multiplier 1, no dilation) as k x k shifted multiply-adds: output = sum over
 * taps (i, j) of w[i, j, c] times the zero-padded input seen through a strided view starting at (i, j). Each tap is
 * one broadcast multiply over the whole minibatch, vectorised and multi-threaded by ND4J, where libnd4j's depthwise
 * op loops over channels with im2col. Backward is the same walk: a tap's kernel gradient is the sum of error x view,
 * the input error the sum of error x w scattered into the same views. Padding as DL4J's (TF's SAME: the odd pixel
 * at the bottom/right). Kernels are given as {@code taps}: one row of C values per tap, row i * kW + j.
 */
final class ShiftedDepthwise {
    private ShiftedDepthwise() {
    }

    /**
     * Whether the shifted computation runs for {@code layer}: on the CPU backend (on CUDA libnd4j's op runs on
     * cuDNN), NCHW, depth multiplier 1, no dilation. Else DL4J's own code runs.
     */
    static boolean covers(ConvolutionLayer layer, int depthMultiplier) {
        return RuntimeLayers.CPU_BACKEND && layer.getCnn2dDataFormat() == CNN2DFormat.NCHW && depthMultiplier == 1
                && layer.getDilation()[0] == 1 && layer.getDilation()[1] == 1;
    }

    /** {@code into} = {@code x} times tap {@code t}'s kernel values, one per channel (dimension 1). */
    private static INDArray timesTap(INDArray x, INDArray taps, int t, INDArray into) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, taps.getRow(t).dup(), into, 1));
        return into;
    }

    /** Writes the convolution of the padded input {@code xp} into {@code out} ([N, C, outH, outW]). */
    static void forward(INDArray xp, INDArray taps, ConvGeometry g, INDArray out) {
        // one scratch array for every tap's product, not one per tap
        INDArray product = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int i = 0; i < g.kH(); i++) {
            for (int j = 0; j < g.kW(); j++) {
                int t = i * g.kW() + j;
                timesTap(xp.get(g.tap(i, j)), taps, t, t == 0 ? out : product);
                if (t > 0) {
                    out.addi(product);
                }
            }
        }
    }

    /**
     * Backward from the output error {@code delta}: writes the kernel gradient into {@code gradTaps} (the taps'
     * layout) and returns the input error, padded (its interior is the input's).
     */
    static INDArray backward(INDArray xp, INDArray taps, INDArray delta, ConvGeometry g, INDArray gradTaps) {
        INDArray paddedError = Nd4j.zeros(delta.dataType(), xp.shape());
        INDArray product = Nd4j.createUninitialized(delta.dataType(), delta.shape());
        for (int i = 0; i < g.kH(); i++) {
            for (int j = 0; j < g.kW(); j++) {
                INDArrayIndex[] tap = g.tap(i, j);
                int t = i * g.kW() + j;
                Nd4j.getExecutioner().exec(new MulOp(delta, xp.get(tap), product));
                gradTaps.getRow(t).assign(product.sum(0, 2, 3));
                paddedError.get(tap).addi(timesTap(delta, taps, t, product));
            }
        }
        return paddedError;
    }

    /**
     * The error of the pre-activation from the output's: an identity activation (EfficientDet's convolutions, batch
     * norm follows) needs no second forward pass, unlike DL4J's layers, which always recompute it.
     */
    static INDArray preActivationError(IActivation activation, Supplier<INDArray> preOutput, INDArray epsilon) {
        return activation instanceof ActivationIdentity ? epsilon : activation.backprop(preOutput.get(), epsilon).getFirst();
    }

    /** Sums {@code delta} per output channel into the bias gradient {@code gradB}, and records it. */
    static void biasGradient(INDArray delta, INDArray gradB, Gradient gradient, String key) {
        gradB.assign(delta.sum(0, 2, 3).reshape(gradB.shape()));
        gradient.setGradientFor(key, gradB);
    }

    /** The input error: the interior of the padded error, in the workspace DL4J expects it in. */
    static INDArray inputError(INDArray paddedError, ConvGeometry g, INDArray x, LayerWorkspaceMgr workspaceMgr) {
        INDArray error = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, paddedError.dataType(), x.shape(), 'c');
        error.assign(paddedError.get(g.interior(x.size(2), x.size(3))));
        return error;
    }
}

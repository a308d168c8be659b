package org.detsearch.nn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A dense NCHW convolution as matrix products straight on the feature maps, with no im2col buffer. Per image, a
 * 1x1 convolution is one product [C_out, C_in] x [C_in, H x W] (a stride first samples the input's grid). A k x k
 * convolution with stride 1 is k x k products accumulated into one output, one per tap (i, j): the tap's kernel
 * [C_out, C_in] times a window of the zero-padded input flattened to [C_in, H_p x W_p], the H_out x W_p columns from
 * (i d_h) W_p + j d_w on. That window is the input shifted by the tap, row by row, plus W_p - W_out columns per row
 * that wrap around into the next row: their outputs are garbage, dropped forward, and their error is zero backward;
 * one extra zero row at the bottom keeps the last tap's window inside the array. Backward is the same walk with the
 * products transposed: the tap's kernel gradient accumulates error x window^T, the input error kernel^T x error in
 * the window.
 *
 * <p>Why: libnd4j's conv2d (im2col, then a product, then a permute; col2im backward) took 1.5-3.7x the time of
 * these products, forward + backward, at ResNet-50's shapes ({@code bench conv}, 2-core machine of BENCHMARKS.md,
 * 2026-12-02); here nearly all the time is in GEMM.
 */
final class GemmConvolution {
    private GemmConvolution() {
    }

    /**
     * Whether the products run for {@code layer}: on the CPU backend, NCHW, no causal mode, and either stride 1 (any
     * kernel, padding and dilation) or a 1x1 kernel without padding (any stride). Else DL4J's own code runs.
     */
    static boolean covers(ConvolutionLayer layer) {
        int[] kernel = layer.getKernelSize();
        int[] stride = layer.getStride();
        int[] padding = layer.getPadding();
        boolean unitStride = stride[0] == 1 && stride[1] == 1;
        boolean unpaddedPointwise = kernel[0] == 1 && kernel[1] == 1
                && (layer.getConvolutionMode() == ConvolutionMode.Same || (padding[0] == 0 && padding[1] == 0));
        return RuntimeLayers.CPU_BACKEND && layer.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && layer.getConvolutionMode() != ConvolutionMode.Causal && (unitStride || unpaddedPointwise);
    }

    /**
     * c = op(a) op(b) + beta c through libnd4j's matmul op, which takes strided views for all three (it copies
     * where BLAS cannot read one), unlike {@code Nd4j.gemm}, which refuses a view as c.
     */
    private static void product(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        Nd4j.exec(new Mmul(a, b, c, alpha, beta, MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
    }

    /** {@code x} itself when it is c-ordered and dense (so images reshape to matrices as views), else such a copy. */
    static INDArray dense(INDArray x) {
        return isDense(x) ? x : x.dup('c');
    }

    private static boolean isDense(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && a.offset() == 0;
    }

    /** {@code a} when products can write into its images, else a dense scratch array of its shape (assign it back). */
    private static INDArray writable(INDArray a) {
        return isDense(a) ? a : Nd4j.createUninitialized(a.dataType(), a.shape());
    }

    /** Image {@code n} of a dense [N, C, H, W] array as the matrix [C, H x W], a view. */
    private static INDArray image(INDArray a, long n) {
        return a.get(NDArrayIndex.point(n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                .reshape('c', a.size(1), a.size(2) * a.size(3));
    }

    private static boolean pointwise(ConvGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.padTop() == 0 && g.padLeft() == 0;
    }

    /** The kernel [C_out, C_in, kH, kW] as one [C_out, C_in] matrix per tap (tap i kW + j), a copy. */
    private static INDArray taps(INDArray weights) {
        return weights.permute(2, 3, 0, 1).dup('c').reshape('c', weights.size(2) * weights.size(3), weights.size(0), weights.size(1));
    }

    private static INDArray tap(INDArray taps, int t) {
        return taps.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Tap (i, j)'s window of a flattened padded image [C, (H_p + 1) x W_p]: H_out x W_p columns. */
    private static INDArray window(INDArray flatImage, ConvGeometry g, int i, int j) {
        long start = (long) i * g.dH() * g.paddedW() + (long) j * g.dW();
        return flatImage.get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + (long) g.outH() * g.paddedW()));
    }

    /** The input positions a 1x1 kernel reads: all of a dense {@code x} at stride 1, else its sampled grid (a copy). */
    private static INDArray sampled(INDArray x, ConvGeometry g) {
        return g.sH() == 1 && g.sW() == 1 ? x : x.get(g.tap(0, 0)).dup('c');
    }

    /**
     * Writes the convolution of the dense input {@code x} ({@link #dense}) with {@code weights} [C_out, C_in, kH, kW]
     * into {@code out} (any layout).
     */
    static void forward(INDArray x, INDArray weights, ConvGeometry g, INDArray out) {
        long images = x.size(0);
        long cOut = weights.size(0);
        if (pointwise(g)) {
            INDArray kernel = weights.reshape('c', cOut, weights.size(1));
            INDArray source = sampled(x, g);
            INDArray target = writable(out);
            for (long n = 0; n < images; n++) {
                product(kernel, image(source, n), image(target, n), false, false, 1.0, 0.0);
            }
            if (target != out) {
                out.assign(target);
            }
            return;
        }
        INDArray padded = g.padded(x, 1);
        INDArray taps = taps(weights);
        INDArray wide = Nd4j.createUninitialized(out.dataType(), cOut, (long) g.outH() * g.paddedW());
        for (long n = 0; n < images; n++) {
            INDArray flat = image(padded, n);
            for (int i = 0; i < g.kH(); i++) {
                for (int j = 0; j < g.kW(); j++) {
                    int t = i * g.kW() + j;
                    product(tap(taps, t), window(flat, g, i, j), wide, false, false, 1.0, t == 0 ? 0.0 : 1.0);
                }
            }
            out.get(NDArrayIndex.point(n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(wide.reshape('c', cOut, g.outH(), g.paddedW()).get(NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.interval(0, g.outW())));
        }
    }

    /**
     * Backward from the pre-activation error {@code delta} [N, C_out, H_out, W_out]: writes the kernel gradient into
     * {@code gradWeights} (DL4J's layout) and the input error into {@code inputError} (the input's shape); {@code x}
     * dense, the others any layout.
     */
    static void backward(INDArray x, INDArray weights, INDArray delta, ConvGeometry g, INDArray gradWeights, INDArray inputError) {
        long images = x.size(0);
        long cOut = weights.size(0);
        long cIn = weights.size(1);
        if (pointwise(g)) {
            INDArray error = dense(delta); // its images are read as matrices
            INDArray kernel = weights.reshape('c', cOut, cIn);
            INDArray gradKernel = Nd4j.zeros(gradWeights.dataType(), cOut, cIn);
            INDArray source = sampled(x, g);
            boolean strided = source != x;
            INDArray sourceError = strided ? Nd4j.createUninitialized(x.dataType(), source.shape()) : writable(inputError);
            for (long n = 0; n < images; n++) {
                INDArray e = image(error, n);
                product(e, image(source, n), gradKernel, false, true, 1.0, 1.0);
                product(kernel, e, image(sourceError, n), true, false, 1.0, 0.0);
            }
            gradWeights.assign(gradKernel.reshape(gradWeights.shape()));
            if (strided) {
                inputError.assign(0);
                inputError.get(g.tap(0, 0)).assign(sourceError);
            } else if (sourceError != inputError) {
                inputError.assign(sourceError);
            }
            return;
        }
        INDArray padded = g.padded(x, 1);
        INDArray taps = taps(weights);
        INDArray gradTaps = Nd4j.zeros(gradWeights.dataType(), taps.shape());
        INDArray paddedError = Nd4j.zeros(x.dataType(), padded.shape());
        // the error laid out like the forward pass's wide output; its wrap-around columns stay zero
        INDArray wide = Nd4j.zeros(delta.dataType(), cOut, g.outH(), g.paddedW());
        INDArray wideRows = wide.reshape('c', cOut, (long) g.outH() * g.paddedW());
        for (long n = 0; n < images; n++) {
            wide.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, g.outW()))
                    .assign(delta.get(NDArrayIndex.point(n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
            INDArray flat = image(padded, n);
            INDArray flatError = image(paddedError, n);
            for (int i = 0; i < g.kH(); i++) {
                for (int j = 0; j < g.kW(); j++) {
                    int t = i * g.kW() + j;
                    product(wideRows, window(flat, g, i, j), tap(gradTaps, t), false, true, 1.0, 1.0);
                    product(tap(taps, t), wideRows, window(flatError, g, i, j), true, false, 1.0, 1.0);
                }
            }
        }
        gradWeights.assign(gradTaps.reshape('c', g.kH(), g.kW(), cOut, cIn).permute(2, 3, 0, 1));
        inputError.assign(paddedError.get(g.interior(x.size(2), x.size(3))));
    }
}

package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Sizes of one NCHW convolution pass as DL4J computes them: output, kernel, stride, dilation, top/left padding (TF's
 * SAME puts the odd pixel at the bottom/right) and the zero-padded input the hand-written convolutions read from.
 */
record ConvGeometry(int outH, int outW, int kH, int kW, int sH, int sW, int dH, int dW, int padTop, int padLeft,
                    int paddedH, int paddedW) {
    /** The geometry of {@code layer} on input {@code x} ([N, C, H, W]). */
    static ConvGeometry of(ConvolutionLayer layer, INDArray x) {
        int[] kernel = layer.getKernelSize();
        int[] stride = layer.getStride();
        int[] dilation = layer.getDilation();
        int inH = (int) x.size(2);
        int inW = (int) x.size(3);
        int[] out;
        int[] pad;
        if (layer.getConvolutionMode() == ConvolutionMode.Same) {
            out = ConvolutionUtils.getOutputSize(x, kernel, stride, null, ConvolutionMode.Same, dilation, layer.getCnn2dDataFormat());
            pad = ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {inH, inW}, kernel, stride, dilation);
        } else {
            pad = layer.getPadding();
            out = ConvolutionUtils.getOutputSize(x, kernel, stride, pad, layer.getConvolutionMode(), dilation, layer.getCnn2dDataFormat());
        }
        // large enough for the last tap of the last output position, and for the whole input
        int paddedH = Math.max((out[0] - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1, pad[0] + inH);
        int paddedW = Math.max((out[1] - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1, pad[1] + inW);
        return new ConvGeometry(out[0], out[1], kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1],
                pad[0], pad[1], paddedH, paddedW);
    }

    /** The padded input's positions tap (i, j) reads for every output position. */
    INDArrayIndex[] tap(int i, int j) {
        long top = (long) i * dH;
        long left = (long) j * dW;
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(top, sH, top + (long) (outH - 1) * sH + 1),
                NDArrayIndex.interval(left, sW, left + (long) (outW - 1) * sW + 1)};
    }

    /** Where the unpadded input sits in the padded one. */
    INDArrayIndex[] interior(long h, long w) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(padTop, padTop + h), NDArrayIndex.interval(padLeft, padLeft + w)};
    }

    /** [N, {@code channels}, outH, outW] for input {@code x}. */
    long[] outputShape(INDArray x, long channels) {
        return new long[] {x.size(0), channels, outH, outW};
    }

    /** {@code x} inside zeros, as this geometry pads it, with {@code extraRows} more zero rows at the bottom. */
    INDArray padded(INDArray x, int extraRows) {
        INDArray padded = Nd4j.zeros(x.dataType(), x.size(0), x.size(1), paddedH + extraRows, paddedW);
        padded.get(interior(x.size(2), x.size(3))).assign(x);
        return padded;
    }
}

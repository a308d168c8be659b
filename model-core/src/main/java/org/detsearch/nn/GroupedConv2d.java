package org.detsearch.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward and backward pass of one 2-D convolution on NCHW arrays, grouped and dilated, through libnd4j's
 * {@code conv2d} / {@code conv2d_bp} ops. Weights are [C_out, C_in / groups, kH, kW] (DL4J's convolution layout,
 * passed to the ops as OIYX). Padding is {@code dilation * (kernel - 1) / 2} per axis, symmetric: with stride 1 every
 * dilation keeps the spatial size, with stride s the output is {@code floor((H - 1) / s) + 1} for every dilation, so
 * candidates that differ only in dilation produce outputs of one shape (PAPERS 1.2).
 * <p>
 * libnd4j 1.0.0-M2.1 has no grouped convolution (conv2d takes no group count, and DL4J's only grouped kind is
 * depthwise), so a grouped convolution is one conv2d per group on its slice of input channels; the multiply-adds
 * are exactly those of a grouped convolution.
 * <p>
 * On the CPU backend a stride-1 convolution (every searched and transformed 3x3 of NATS: ResNet strides its 1x1)
 * runs as {@link GemmConvolution}'s matrix products instead: libnd4j's conv2d took 2-3.7x their time at 3x3
 * shapes ({@code bench conv}).
 */
public final class GroupedConv2d {
    private static final int OIYX = 1;
    private static final int NCHW = 0;
    private static final int EXPLICIT_PADDING = 0;

    private final int kernelH;
    private final int kernelW;
    private final int stride;
    private final int dilationH;
    private final int dilationW;
    private final int groups;

    public GroupedConv2d(int kernelH, int kernelW, int stride, int dilationH, int dilationW, int groups) {
        if (kernelH % 2 == 0 || kernelW % 2 == 0 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("kernel sizes must be odd and positive (padding keeps the size), got "
                    + kernelH + "x" + kernelW);
        }
        if (stride < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
            throw new IllegalArgumentException("stride, dilations and groups must be >= 1, got stride " + stride
                    + ", dilation (" + dilationH + ", " + dilationW + "), groups " + groups);
        }
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.stride = stride;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.groups = groups;
    }

    public int padH() {
        return dilationH * (kernelH - 1) / 2;
    }

    public int padW() {
        return dilationW * (kernelW - 1) / 2;
    }

    /** Output height (or width) for an input height (width): the same for every dilation. */
    public long outputSize(long inputSize) {
        return (inputSize - 1) / stride + 1;
    }

    /** Multiply-adds for one example: out_h x out_w x C_out x kH x kW x C_in / groups. */
    public long multiplyAdds(long outH, long outW, long outChannels, long inChannels) {
        return outH * outW * outChannels * kernelH * kernelW * (inChannels / groups);
    }

    /** Writes conv(x, w) into {@code out} [B, C_out, H', W'] (which may be a view). */
    public void forward(INDArray x, INDArray w, INDArray out) {
        checkShapes(x, w);
        long inG = x.size(1) / groups;
        long outG = w.size(0) / groups;
        for (int g = 0; g < groups; g++) {
            INDArray target = Views.interval(out, 1, g * outG, outG);
            INDArray y = target.isView() ? Nd4j.createUninitialized(out.dataType(), target.shape()) : target;
            INDArray xg = dense(Views.interval(x, 1, g * inG, inG));
            INDArray wg = dense(Views.interval(w, 0, g * outG, outG));
            if (products()) {
                GemmConvolution.forward(xg, wg, geometry(xg), y);
            } else {
                exec("conv2d", new INDArray[] {xg, wg}, new INDArray[] {y});
            }
            if (y != target) {
                target.assign(y);
            }
        }
    }

    /**
     * Given dL/dy, ADDS dL/dx into {@code gradInput} [B, C_in, H, W] and writes dL/dw into {@code gradWeights}
     * (the shape of w). Any of the arrays may be views.
     */
    public void backward(INDArray x, INDArray w, INDArray gradOut, INDArray gradInput, INDArray gradWeights) {
        checkShapes(x, w);
        long inG = x.size(1) / groups;
        long outG = w.size(0) / groups;
        for (int g = 0; g < groups; g++) {
            INDArray xg = dense(Views.interval(x, 1, g * inG, inG));
            INDArray wg = dense(Views.interval(w, 0, g * outG, outG));
            INDArray dx = Nd4j.createUninitialized(x.dataType(), xg.shape());
            INDArray dw = Nd4j.createUninitialized(w.dataType(), wg.shape());
            INDArray dy = dense(Views.interval(gradOut, 1, g * outG, outG));
            if (products()) {
                GemmConvolution.backward(xg, wg, dy, geometry(xg), dw, dx);
            } else {
                exec("conv2d_bp", new INDArray[] {xg, wg, dy}, new INDArray[] {dx, dw});
            }
            Views.interval(gradInput, 1, g * inG, inG).addi(dx);
            Views.interval(gradWeights, 0, g * outG, outG).assign(dw);
        }
    }

    private boolean products() {
        return RuntimeLayers.CPU_BACKEND && stride == 1;
    }

    /** This convolution's geometry on input {@code x}: symmetric padding, the output the input's size at stride 1. */
    private ConvGeometry geometry(INDArray x) {
        int inH = (int) x.size(2);
        int inW = (int) x.size(3);
        return new ConvGeometry((int) outputSize(inH), (int) outputSize(inW), kernelH, kernelW, stride, stride, dilationH, dilationW,
                padH(), padW(), inH + 2 * padH(), inW + 2 * padW());
    }

    /** The array itself when it owns its buffer, else a C-order copy: the ops are given plain arrays. */
    private static INDArray dense(INDArray a) {
        return a.isView() ? a.dup('c') : a;
    }

    private void checkShapes(INDArray x, INDArray w) {
        if (x.rank() != 4 || w.rank() != 4 || x.size(1) % groups != 0 || w.size(0) % groups != 0
                || w.size(1) != x.size(1) / groups || w.size(2) != kernelH || w.size(3) != kernelW) {
            throw new IllegalArgumentException("a " + kernelH + "x" + kernelW + " convolution in " + groups
                    + " groups needs input [B, C_in, H, W] and weights [C_out, C_in / groups, kH, kW]; got input "
                    + java.util.Arrays.toString(x.shape()) + ", weights " + java.util.Arrays.toString(w.shape()));
        }
    }

    private void exec(String op, INDArray[] inputs, INDArray[] outputs) {
        Nd4j.getExecutioner().exec(DynamicCustomOp.builder(op).addInputs(inputs).addOutputs(outputs)
                .addIntegerArguments(kernelH, kernelW, stride, stride, padH(), padW(), dilationH, dilationW,
                        EXPLICIT_PADDING, NCHW, OIYX)
                .callInplace(false).build());
    }
}

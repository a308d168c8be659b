package org.detsearch.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scales each channel of a feature map by a per-example, per-channel factor: inputs {@code x [batch, C, H, W]} and
 * {@code s [batch, C, 1, 1]}, output {@code x * s}. It is the "excite" step of squeeze-and-excitation (Keras'
 * {@code se_excite} Multiply), which DL4J's ElementWiseVertex cannot be configured for (it rejects inputs of
 * different spatial sizes when the graph is built).
 */
public final class ChannelScaleVertex extends ParameterFreeVertex {
    @Override
    protected Computation computation() {
        return new Computation() {
            @Override
            public INDArray forward(INDArray[] inputs, boolean training) {
                return inputs[0].mul(inputs[1]);
            }

            @Override
            public INDArray[] backward(INDArray[] inputs, INDArray outputGradient) {
                return new INDArray[] {outputGradient.mul(inputs[1]), outputGradient.mul(inputs[0]).sum(true, 2, 3)};
            }
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        if (!(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional s)
                || s.getHeight() != 1 || s.getWidth() != 1 || s.getChannels() != x.getChannels()) {
            throw new InvalidInputTypeException("channel scaling needs a feature map [C, H, W] and factors [C, 1, 1], got "
                    + vertexInputs[0] + " and " + vertexInputs[1]);
        }
        return x;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public ChannelScaleVertex clone() {
        return new ChannelScaleVertex();
    }
}

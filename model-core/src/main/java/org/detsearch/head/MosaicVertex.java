package org.detsearch.head;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.detsearch.nn.ParameterFreeVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Places its inputs (pyramid levels [batch, C, H_l, W_l], first level first) into one zero canvas
 * [batch, C, H, W] laid out by {@link LevelMosaic}; the backward pass cuts each level's gradient back out.
 */
public final class MosaicVertex extends ParameterFreeVertex {
    /** The canvas window of {@code level}: [all, all, rows, columns]. */
    static INDArrayIndex[] window(LevelMosaic mosaic, int level) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(mosaic.row(level), mosaic.row(level) + mosaic.heights()[level]),
                NDArrayIndex.interval(mosaic.column(level), mosaic.column(level) + mosaic.widths()[level])};
    }

    private static LevelMosaic layoutOf(INDArray[] levels) {
        int[] heights = new int[levels.length];
        int[] widths = new int[levels.length];
        for (int l = 0; l < levels.length; l++) {
            heights[l] = (int) levels[l].size(2);
            widths[l] = (int) levels[l].size(3);
        }
        return new LevelMosaic(heights, widths);
    }

    @Override
    protected Computation computation() {
        return new Computation() {
            @Override
            public INDArray forward(INDArray[] inputs, boolean training) {
                LevelMosaic mosaic = layoutOf(inputs);
                INDArray canvas = Nd4j.zeros(inputs[0].dataType(), inputs[0].size(0), inputs[0].size(1), mosaic.height(), mosaic.width());
                for (int l = 0; l < inputs.length; l++) {
                    canvas.get(window(mosaic, l)).assign(inputs[l]);
                }
                return canvas;
            }

            @Override
            public INDArray[] backward(INDArray[] inputs, INDArray outputGradient) {
                LevelMosaic mosaic = layoutOf(inputs);
                INDArray[] gradients = new INDArray[inputs.length];
                for (int l = 0; l < inputs.length; l++) {
                    gradients[l] = outputGradient.get(window(mosaic, l)).dup('c');
                }
                return gradients;
            }
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        int[] heights = new int[vertexInputs.length];
        int[] widths = new int[vertexInputs.length];
        long channels = -1;
        for (int l = 0; l < vertexInputs.length; l++) {
            if (!(vertexInputs[l] instanceof InputType.InputTypeConvolutional c) || (channels >= 0 && c.getChannels() != channels)) {
                throw new InvalidInputTypeException("a mosaic needs feature maps of equal channels, got "
                        + java.util.Arrays.toString(vertexInputs));
            }
            channels = c.getChannels();
            heights[l] = (int) c.getHeight();
            widths[l] = (int) c.getWidth();
        }
        LevelMosaic mosaic = new LevelMosaic(heights, widths);
        return InputType.convolutional(mosaic.height(), mosaic.width(), channels);
    }

    @Override
    public int maxVertexInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public MosaicVertex clone() {
        return new MosaicVertex();
    }
}

package org.detsearch.head;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Predictions on a {@link LevelMosaic} canvas [batch, A x K, H, W] -> the detector's output [batch, sum_l H_l W_l A K]:
 * each level laid out (y, x, anchor, output) and the levels concatenated, the anchor order of {@code AnchorGrid}
 * and the layout {@link SharedConvHead} gives, so that targets, losses and post-processing work unchanged.
 * The channel index a x K + k is the reference's layout.
 */
public final class MosaicAnchorsVertex extends MosaicCanvasVertex {
    public MosaicAnchorsVertex() {
    }

    public MosaicAnchorsVertex(LevelMosaic mosaic) {
        super(mosaic);
    }

    @Override
    protected Computation computation() {
        LevelMosaic mosaic = mosaic();
        return new Computation() {
            @Override
            public INDArray forward(INDArray[] inputs, boolean training) {
                INDArray canvas = inputs[0];
                long batch = canvas.size(0);
                INDArray[] levels = new INDArray[mosaic.levels()];
                for (int l = 0; l < levels.length; l++) {
                    levels[l] = canvas.get(MosaicVertex.window(mosaic, l)).permute(0, 2, 3, 1).dup('c').reshape('c', batch, -1);
                }
                return levels.length == 1 ? levels[0] : Nd4j.concat(1, levels);
            }

            @Override
            public INDArray[] backward(INDArray[] inputs, INDArray outputGradient) {
                INDArray canvas = inputs[0];
                long batch = canvas.size(0);
                long predictions = canvas.size(1);
                INDArray gradient = canvas.ulike().assign(0);
                long offset = 0;
                for (int l = 0; l < mosaic.levels(); l++) {
                    long h = mosaic.heights()[l];
                    long w = mosaic.widths()[l];
                    long size = h * w * predictions;
                    INDArray level = outputGradient.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + size))
                            .dup('c').reshape('c', batch, h, w, predictions).permute(0, 3, 1, 2);
                    gradient.get(MosaicVertex.window(mosaic, l)).assign(level);
                    offset += size;
                }
                return new INDArray[] {gradient};
            }
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(mosaic().levelPositions() * canvas(vertexInputs[0]).getChannels());
    }

    @Override
    public MosaicAnchorsVertex clone() {
        return new MosaicAnchorsVertex(mosaic());
    }
}

package org.detsearch.head;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cuts one pyramid level [batch, C, H_l, W_l] out of a {@link LevelMosaic} canvas (the inverse of
 * {@link MosaicVertex} for that level), so that each level gets its own batch norm after a shared convolution.
 */
public final class MosaicLevelVertex extends MosaicCanvasVertex {
    private int level;

    public MosaicLevelVertex() {
    }

    public MosaicLevelVertex(LevelMosaic mosaic, int level) {
        super(mosaic);
        if (level < 0 || level >= mosaic.levels()) {
            throw new IllegalArgumentException("level " + level + " of a " + mosaic.levels() + "-level mosaic");
        }
        this.level = level;
    }

    @Override
    protected Computation computation() {
        LevelMosaic mosaic = mosaic();
        int l = level;
        return new Computation() {
            @Override
            public INDArray forward(INDArray[] inputs, boolean training) {
                return inputs[0].get(MosaicVertex.window(mosaic, l)).dup('c');
            }

            @Override
            public INDArray[] backward(INDArray[] inputs, INDArray outputGradient) {
                INDArray gradient = inputs[0].ulike().assign(0);
                gradient.get(MosaicVertex.window(mosaic, l)).assign(outputGradient);
                return new INDArray[] {gradient};
            }
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.convolutional(getHeights()[level], getWidths()[level], canvas(vertexInputs[0]).getChannels());
    }

    @Override
    public MosaicLevelVertex clone() {
        return new MosaicLevelVertex(mosaic(), level);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((MosaicLevelVertex) o).level == level;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + level;
    }

    public int getLevel() {
        return level;
    }

    public void setLevel(int level) {
        this.level = level;
    }
}

package org.detsearch.head;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.detsearch.model.CountsMultiplyAdds;
import org.detsearch.nn.ShiftedSeparableConvolution2D;

/**
 * DL4J's separable convolution (computed as {@link ShiftedSeparableConvolution2D}) run over a {@link LevelMosaic}
 * canvas: one set of weights for every pyramid level. It computes like its superclass; it only counts its
 * multiply-adds on the positions that belong to levels, not on the canvas' zero gaps.
 */
public class MosaicSeparableConvolution2D extends ShiftedSeparableConvolution2D implements CountsMultiplyAdds {
    private long levelPositions;

    /** For deserialisation. */
    public MosaicSeparableConvolution2D() {
    }

    public MosaicSeparableConvolution2D(SeparableConvolution2D.Builder builder, LevelMosaic mosaic) {
        super(builder);
        this.levelPositions = mosaic.levelPositions();
    }

    @Override
    public long multiplyAdds(InputType output, InputType... inputs) {
        long in = ((InputType.InputTypeConvolutional) inputs[0]).getChannels() * getDepthMultiplier();
        long out = ((InputType.InputTypeConvolutional) output).getChannels();
        return levelPositions * in * ((long) getKernelSize()[0] * getKernelSize()[1] + out);
    }

    @Override
    public MosaicSeparableConvolution2D clone() {
        return (MosaicSeparableConvolution2D) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MosaicSeparableConvolution2D m && m.levelPositions == levelPositions && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Long.hashCode(levelPositions);
    }

    public long getLevelPositions() {
        return levelPositions;
    }

    public void setLevelPositions(long levelPositions) {
        this.levelPositions = levelPositions;
    }
}

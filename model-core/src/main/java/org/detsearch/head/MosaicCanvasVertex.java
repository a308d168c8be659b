package org.detsearch.head;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.detsearch.nn.ParameterFreeVertex;

import java.util.Arrays;

/**
 * A vertex that reads a {@link LevelMosaic} canvas: it keeps the layout as its configuration (level heights and
 * widths, bean properties for DL4J's serialisation) and checks that its input is a canvas of that layout.
 */
public abstract class MosaicCanvasVertex extends ParameterFreeVertex {
    private int[] heights;
    private int[] widths;

    protected MosaicCanvasVertex() {
    }

    protected MosaicCanvasVertex(LevelMosaic mosaic) {
        this.heights = mosaic.heights();
        this.widths = mosaic.widths();
    }

    protected LevelMosaic mosaic() {
        return new LevelMosaic(heights, widths);
    }

    /** The canvas input's type, after checking it has this layout's size. */
    protected InputType.InputTypeConvolutional canvas(InputType input) {
        LevelMosaic mosaic = mosaic();
        if (!(input instanceof InputType.InputTypeConvolutional c) || c.getHeight() != mosaic.height() || c.getWidth() != mosaic.width()) {
            throw new InvalidInputTypeException("expected a " + mosaic.height() + "x" + mosaic.width() + " mosaic canvas, got " + input);
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && Arrays.equals(((MosaicCanvasVertex) o).heights, heights)
                && Arrays.equals(((MosaicCanvasVertex) o).widths, widths);
    }

    @Override
    public int hashCode() {
        return mosaic().hashCode();
    }

    public int[] getHeights() {
        return heights;
    }

    public void setHeights(int[] heights) {
        this.heights = heights;
    }

    public int[] getWidths() {
        return widths;
    }

    public void setWidths(int[] widths) {
        this.widths = widths;
    }
}

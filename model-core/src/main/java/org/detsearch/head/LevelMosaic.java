package org.detsearch.head;

import java.util.Arrays;

/**
 * Where each pyramid level sits in one zero-filled canvas, so that ONE convolution over the canvas is the same
 * convolution on every level (shared weights, as EfficientDet's heads share theirs across levels). The first
 * (largest) level sits at the top left; the others are stacked in a column to its right; every level is separated
 * from the others by at least one row or column of zeros, which is exactly the zero padding a 3x3 SAME convolution
 * sees at a level's border. For P3-P7 at 512 px (64, 32, 16, 8, 4): a 64 x 97 canvas, 14% more positions than
 * the levels hold.
 *
 * @param heights level heights, first level first; {@code widths} likewise
 */
public record LevelMosaic(int[] heights, int[] widths) {
    /** Zeros between levels: the reach of a 3x3 kernel. */
    private static final int GAP = 1;

    public LevelMosaic {
        if (heights.length == 0 || heights.length != widths.length) {
            throw new IllegalArgumentException("need a height and a width per level, got " + Arrays.toString(heights)
                    + " and " + Arrays.toString(widths));
        }
        for (int i = 0; i < heights.length; i++) {
            if (heights[i] < 1 || widths[i] < 1) {
                throw new IllegalArgumentException("level " + i + " is " + heights[i] + "x" + widths[i]);
            }
        }
        heights = heights.clone();
        widths = widths.clone();
    }

    public int levels() {
        return heights.length;
    }

    public int row(int level) {
        int row = 0;
        for (int l = 1; l < level; l++) {
            row += heights[l] + GAP;
        }
        return row;
    }

    public int column(int level) {
        return level == 0 ? 0 : widths[0] + GAP;
    }

    public int height() {
        int column = levels() == 1 ? 0 : row(levels() - 1) + heights[levels() - 1];
        return Math.max(heights[0], column);
    }

    public int width() {
        int column = 0;
        for (int l = 1; l < levels(); l++) {
            column = Math.max(column, widths[l]);
        }
        return levels() == 1 ? widths[0] : widths[0] + GAP + column;
    }

    /** Positions that belong to a level (what a convolution over the canvas really computes). */
    public long levelPositions() {
        long positions = 0;
        for (int l = 0; l < levels(); l++) {
            positions += (long) heights[l] * widths[l];
        }
        return positions;
    }

    /** Value equality (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof LevelMosaic m && Arrays.equals(heights, m.heights) && Arrays.equals(widths, m.widths);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(heights) + Arrays.hashCode(widths);
    }

    @Override
    public String toString() {
        return "LevelMosaic" + Arrays.toString(heights) + "x" + Arrays.toString(widths);
    }
}

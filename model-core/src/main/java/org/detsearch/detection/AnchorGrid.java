package org.detsearch.detection;

/**
 * All anchors of an input size, flattened in the reference's order: level, then row (y), then column (x), then
 * octave scale, then aspect ratio (fastest). Boxes are {@code [ymin, xmin, ymax, xmax]} in input pixels.
 * <p>
 * Feature sizes halve with rounding up ({@code (s - 1) / 2 + 1}) once per level; the stride of a level is the
 * input size divided by its feature size (per axis, possibly fractional), and centres sit at
 * {@code stride / 2 + k * stride} (numpy's arange), as automl's {@code anchors.py} computes them.
 */
public final class AnchorGrid {
    private final AnchorSpec spec;
    private final int imageHeight;
    private final int imageWidth;
    private final int[] featureHeights;
    private final int[] featureWidths;
    private final int[] levelOffsets;
    private final double[] boxes;

    public AnchorGrid(AnchorSpec spec, int imageHeight, int imageWidth) {
        this.spec = spec;
        this.imageHeight = imageHeight;
        this.imageWidth = imageWidth;
        int levels = spec.levels();
        featureHeights = new int[levels];
        featureWidths = new int[levels];
        levelOffsets = new int[levels + 1];
        int h = imageHeight;
        int w = imageWidth;
        for (int level = 1; level <= spec.maxLevel(); level++) {
            h = (h - 1) / 2 + 1;
            w = (w - 1) / 2 + 1;
            if (level >= spec.minLevel()) {
                int i = level - spec.minLevel();
                featureHeights[i] = h;
                featureWidths[i] = w;
                levelOffsets[i + 1] = levelOffsets[i] + h * w * spec.anchorsPerLocation();
            }
        }
        boxes = new double[4 * levelOffsets[levels]];
        int n = 0;
        for (int i = 0; i < levels; i++) {
            double strideY = (double) imageHeight / featureHeights[i];
            double strideX = (double) imageWidth / featureWidths[i];
            for (int row = 0; row < featureHeights[i]; row++) {
                double cy = strideY / 2 + row * strideY;
                for (int column = 0; column < featureWidths[i]; column++) {
                    double cx = strideX / 2 + column * strideX;
                    for (int octave = 0; octave < spec.numScales(); octave++) {
                        double octaveScale = Math.pow(2, (double) octave / spec.numScales());
                        for (double aspect : spec.aspectRatios()) {
                            double aspectX = Math.sqrt(aspect);
                            double aspectY = 1.0 / aspectX;
                            double halfW = spec.anchorScale() * strideX * octaveScale * aspectX / 2.0;
                            double halfH = spec.anchorScale() * strideY * octaveScale * aspectY / 2.0;
                            boxes[n++] = cy - halfH;
                            boxes[n++] = cx - halfW;
                            boxes[n++] = cy + halfH;
                            boxes[n++] = cx + halfW;
                        }
                    }
                }
            }
        }
    }

    public AnchorSpec spec() {
        return spec;
    }

    public int size() {
        return levelOffsets[levelOffsets.length - 1];
    }

    public int imageHeight() {
        return imageHeight;
    }

    public int imageWidth() {
        return imageWidth;
    }

    /** Feature-map height of level P{minLevel + index}. */
    public int featureHeight(int levelIndex) {
        return featureHeights[levelIndex];
    }

    public int featureWidth(int levelIndex) {
        return featureWidths[levelIndex];
    }

    /** Index of the first anchor of level P{minLevel + index}. */
    public int levelOffset(int levelIndex) {
        return levelOffsets[levelIndex];
    }

    /** The anchors as [ymin, xmin, ymax, xmax] quadruples (a view; do not modify). */
    double[] boxes() {
        return boxes;
    }

    public double[] box(int anchor) {
        return java.util.Arrays.copyOfRange(boxes, 4 * anchor, 4 * anchor + 4);
    }
}

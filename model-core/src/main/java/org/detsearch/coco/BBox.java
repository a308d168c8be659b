package org.detsearch.coco;

/**
 * An axis-aligned box in COCO's convention: top-left corner (x, y), width and height, in pixels of the
 * original image. No "+1" anywhere: a box from 10 to 20 has width 10, as in pycocotools.
 */
public record BBox(double x, double y, double width, double height) {

    public double area() {
        return width * height;
    }

    public double maxX() {
        return x + width;
    }

    public double maxY() {
        return y + height;
    }

    public boolean isFinite() {
        return Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(width) && Double.isFinite(height);
    }

    /** True when the box lies inside a width x height image (touching the border counts as inside). */
    public boolean isInside(int imageWidth, int imageHeight) {
        return x >= 0 && y >= 0 && maxX() <= imageWidth && maxY() <= imageHeight;
    }

    /** The part of this box inside the image; width or height is 0 when nothing is left. */
    public BBox clippedTo(int imageWidth, int imageHeight) {
        double x0 = Math.min(Math.max(x, 0), imageWidth);
        double y0 = Math.min(Math.max(y, 0), imageHeight);
        double x1 = Math.min(Math.max(maxX(), 0), imageWidth);
        double y1 = Math.min(Math.max(maxY(), 0), imageHeight);
        return new BBox(x0, y0, x1 - x0, y1 - y0);
    }

    /** This box in an image rescaled by {@code scale} (both axes). */
    public BBox scaled(double scale) {
        return new BBox(x * scale, y * scale, width * scale, height * scale);
    }
}

package org.detsearch.image;

/**
 * A network input: normalised pixels in CHW order (size x size, padded with 0 = the mean colour below and right
 * of the picture) and the boxes that remain visible, as [ymin, xmin, ymax, xmax] in input pixels.
 *
 * @param scale input pixels per original pixel; detections divide by it to get back to the original image
 */
public record PreparedImage(long imageId, int size, float[] chw, double[] boxes, int[] labels, boolean[] crowd,
                            double scale, int originalWidth, int originalHeight) {
}

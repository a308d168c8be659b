package org.detsearch.image;

import org.detsearch.coco.ImageAnnotations;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.Serializable;

/**
 * A decoded training or evaluation sample: RGB pixels in row-major HWC byte order (what target building and
 * augmentation consume) with the image's ground truth. Sizes come from the decoded pixels.
 */
public record DecodedSample(ImageAnnotations annotations, int width, int height, byte[] rgb) implements Serializable {

    public DecodedSample {
        if (rgb.length != 3 * width * height) {
            throw new IllegalArgumentException("expected " + 3 * width * height + " RGB bytes, got " + rgb.length);
        }
    }

    public static DecodedSample of(ImageAnnotations annotations, BufferedImage image) {
        BufferedImage bgr = ImageCodec.toBgr(image);
        byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[data.length];
        for (int i = 0; i < data.length; i += 3) {
            rgb[i] = data[i + 2];
            rgb[i + 1] = data[i + 1];
            rgb[i + 2] = data[i];
        }
        return new DecodedSample(annotations, bgr.getWidth(), bgr.getHeight(), rgb);
    }

    public long imageId() {
        return annotations.imageId();
    }
}

package org.detsearch.image;

import org.detsearch.coco.SharedTestData;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCodecTest {
    private static BufferedImage halves() {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 20, 20);
        g.setColor(Color.YELLOW);
        g.fillRect(20, 0, 20, 20);
        g.dispose();
        return image;
    }

    @Test
    void jpegAndPngRoundTripToRgbPixels() throws Exception {
        byte[] jpeg = ImageCodec.encodeJpeg(halves(), 95);
        assertArrayEquals(new int[] {40, 20}, ImageCodec.size(jpeg));
        DecodedSample sample = DecodedSample.of(null, ImageCodec.decode(jpeg));
        int left = 3 * (10 * 40 + 5);
        int right = 3 * (10 * 40 + 35);
        assertTrue((sample.rgb()[left + 2] & 0xff) > 230 && (sample.rgb()[left] & 0xff) < 25, "blue on the left");
        assertTrue((sample.rgb()[right] & 0xff) > 230 && (sample.rgb()[right + 2] & 0xff) < 25, "yellow on the right");

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(halves(), "png", png);
        DecodedSample fromPng = DecodedSample.of(null, ImageCodec.decode(png.toByteArray()));
        assertEquals(255, fromPng.rgb()[left + 2] & 0xff, "PNG is lossless");
    }

    @Test
    void truncatedOrForeignBytesAreCorrupt() {
        byte[] jpeg = ImageCodec.encodeJpeg(halves(), 95);
        CorruptImageException truncated = assertThrows(CorruptImageException.class,
                () -> ImageCodec.decode(Arrays.copyOf(jpeg, jpeg.length - 2)));
        assertTrue(truncated.getMessage().startsWith("damaged image data: "), truncated.getMessage());
        CorruptImageException text = assertThrows(CorruptImageException.class, () -> ImageCodec.decode("hello".getBytes()));
        assertTrue(text.getMessage().contains("unknown format"), text.getMessage());
    }

    @Test
    void realCocoPhotosWithColourProfilesDecode() throws Exception {
        // These carry ICC profiles that make the JPEG reader warn; the pictures are fine.
        for (String name : new String[] {"000000000491.jpg", "000000000025.jpg"}) {
            byte[] bytes = Files.readAllBytes(SharedTestData.coco128Images().resolve(name));
            BufferedImage image = ImageCodec.decode(bytes);
            assertArrayEquals(ImageCodec.size(bytes), new int[] {image.getWidth(), image.getHeight()}, name);
        }
    }

    @Test
    void resizeGivesTheRequestedSize() {
        BufferedImage small = ImageCodec.resize(halves(), 10, 5);
        assertEquals(10, small.getWidth());
        assertEquals(5, small.getHeight());
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.encodeJpeg(small, 0));
    }
}

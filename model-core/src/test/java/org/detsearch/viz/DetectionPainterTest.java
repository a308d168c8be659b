package org.detsearch.viz;

import org.detsearch.coco.BBox;
import org.detsearch.coco.Detection;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionPainterTest {
    private static BufferedImage grey(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, new Color(90, 90, 90).getRGB());
            }
        }
        return image;
    }

    @Test
    void drawsEachBoxInItsCategoryColourWithATagAndLeavesTheRestAlone() {
        BufferedImage source = grey(200, 120);
        BufferedImage drawn = new DetectionPainter(Map.of(3, "square")).paint(source,
                List.of(new Detection(1, 3, new BBox(40, 50, 60, 40), 0.87), new Detection(1, 9, new BBox(150, 10, 30, 30), 0.4)));
        assertEquals(200, drawn.getWidth());
        assertEquals(120, drawn.getHeight());
        Color square = DetectionPainter.colorOf(3);
        // left and bottom edges of the first box carry its colour (the top edge holds the tag)
        assertEquals(square.getRGB(), drawn.getRGB(40, 70) | 0xff000000);
        assertEquals(square.getRGB(), drawn.getRGB(70, 90) | 0xff000000);
        // inside and far outside the boxes the image is untouched
        assertEquals(source.getRGB(70, 75), drawn.getRGB(70, 75));
        assertEquals(source.getRGB(5, 115), drawn.getRGB(5, 115));
        // a tag sits above the box: a filled strip in the box colour, with text in another colour in it
        long tagPixels = 0;
        long textPixels = 0;
        for (int y = 30; y < 50; y++) {
            for (int x = 40; x < 100; x++) {
                int rgb = drawn.getRGB(x, y) | 0xff000000;
                tagPixels += rgb == square.getRGB() ? 1 : 0;
                textPixels += rgb != square.getRGB() && rgb != source.getRGB(x, y) ? 1 : 0;
            }
        }
        assertTrue(tagPixels > 100 && textPixels > 10, "tag " + tagPixels + " px, text " + textPixels + " px");
        assertNotEquals(source.getRGB(150, 25), drawn.getRGB(150, 25), "a category without a name is drawn too");
    }

    @Test
    void aCategoryKeepsItsColourAndNeighbouringIdsDiffer() {
        assertEquals(DetectionPainter.colorOf(7), DetectionPainter.colorOf(7));
        for (int id = 1; id < 90; id++) {
            assertNotEquals(DetectionPainter.colorOf(id), DetectionPainter.colorOf(id + 1), "ids " + id + " and " + (id + 1));
        }
    }
}

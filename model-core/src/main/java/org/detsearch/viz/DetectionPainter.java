package org.detsearch.viz;

import org.detsearch.coco.BBox;
import org.detsearch.coco.Detection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws detections onto a copy of an image: a box per detection in a colour per category, and a filled tag with
 * the category name and score. Lower scores are drawn first, so the most confident box ends on top. Line width
 * and font grow with the image, so tags stay readable on photos and on 128 px test images alike.
 */
public final class DetectionPainter {
    private final Map<Integer, String> names;

    /** @param names category id -> name; ids not in it are drawn by number */
    public DetectionPainter(Map<Integer, String> names) {
        this.names = Map.copyOf(names);
    }

    public BufferedImage paint(BufferedImage image, List<Detection> detections) {
        BufferedImage canvas = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int side = Math.max(image.getWidth(), image.getHeight());
            float line = Math.max(1f, side / 320f);
            g.setStroke(new BasicStroke(line));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, side / 45)));
            FontMetrics metrics = g.getFontMetrics();
            for (Detection d : detections.stream().sorted(Comparator.comparingDouble(Detection::score)).toList()) {
                Color color = colorOf(d.categoryId());
                BBox b = d.bbox();
                int x = (int) Math.round(b.x());
                int y = (int) Math.round(b.y());
                g.setColor(color);
                g.drawRect(x, y, (int) Math.round(b.width()), (int) Math.round(b.height()));
                String tag = names.getOrDefault(d.categoryId(), "#" + d.categoryId())
                        + String.format(Locale.ROOT, " %.2f", d.score());
                int tagWidth = metrics.stringWidth(tag) + 4;
                int tagHeight = metrics.getAscent() + 2;
                // above the box where there is room, else just inside its top edge
                int tagY = y - tagHeight >= 0 ? y - tagHeight : y;
                g.fillRect(x, tagY, tagWidth, tagHeight);
                g.setColor(luminance(color) > 140 ? Color.BLACK : Color.WHITE);
                g.drawString(tag, x + 2, tagY + metrics.getAscent());
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** A fixed, well-spread hue per category id (golden-ratio steps), so a class has the same colour in every image. */
    static Color colorOf(int categoryId) {
        float hue = (float) ((categoryId * 0.618033988749895) % 1.0);
        return Color.getHSBColor(hue, 0.85f, 0.95f);
    }

    private static double luminance(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }
}

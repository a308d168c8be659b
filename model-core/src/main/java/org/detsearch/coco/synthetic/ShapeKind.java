package org.detsearch.coco.synthetic;

import org.detsearch.coco.CocoCategory;

import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Arrays;
import java.util.List;

/**
 * The object classes of the synthetic dataset. Category ids have gaps on purpose (like COCO's 1..90), so a
 * mix-up between category ids and contiguous labels shows in every test that uses the data.
 */
public enum ShapeKind {
    CIRCLE(1, "circle"),
    SQUARE(3, "square"),
    TRIANGLE(4, "triangle"),
    CROSS(7, "cross"),
    RING(9, "ring"),
    DIAMOND(10, "diamond");

    private final int categoryId;
    private final String label;

    ShapeKind(int categoryId, String label) {
        this.categoryId = categoryId;
        this.label = label;
    }

    public int categoryId() {
        return categoryId;
    }

    public static List<CocoCategory> categories() {
        return Arrays.stream(values()).map(k -> new CocoCategory(k.categoryId, k.label, "shape")).toList();
    }

    /** The outline of this shape filling the box (x, y, size, size). */
    public Shape outline(double x, double y, double size) {
        double c = size / 2;
        return switch (this) {
            case CIRCLE -> new Ellipse2D.Double(x, y, size, size);
            case SQUARE -> new Rectangle2D.Double(x, y, size, size);
            case TRIANGLE -> polygon(x + c, y, x + size, y + size, x, y + size);
            case CROSS -> {
                Area cross = new Area(new Rectangle2D.Double(x + size / 3, y, size / 3, size));
                cross.add(new Area(new Rectangle2D.Double(x, y + size / 3, size, size / 3)));
                yield cross;
            }
            case RING -> {
                Area ring = new Area(new Ellipse2D.Double(x, y, size, size));
                ring.subtract(new Area(new Ellipse2D.Double(x + size * 0.3, y + size * 0.3, size * 0.4, size * 0.4)));
                yield ring;
            }
            case DIAMOND -> polygon(x + c, y, x + size, y + c, x + c, y + size, x, y + c);
        };
    }

    private static Shape polygon(double... xy) {
        Path2D.Double path = new Path2D.Double();
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        path.closePath();
        return path;
    }
}

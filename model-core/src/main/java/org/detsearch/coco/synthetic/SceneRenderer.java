package org.detsearch.coco.synthetic;

import org.detsearch.coco.BBox;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws one synthetic scene: a textured, noisy background and shapes of random kind, colour, size and position,
 * some overlapping, sometimes one crowd region (many small shapes of one kind). Shapes are rasterised here
 * pixel by pixel into an ownership mask, so every annotation's box and area are exactly the visible pixels of
 * its object (COCO's area is a mask area, and occluded parts are not counted).
 */
final class SceneRenderer {
    private static final int PLACEMENT_TRIES = 12;

    /** One annotated object of a rendered scene; {@code color} is its base colour (before shading), for tests. */
    record ObjectTruth(ShapeKind kind, boolean crowd, BBox bbox, double area, Color color) {
    }

    /** A rendered scene: pixels and the ground truth of what is visible in them. */
    record Scene(BufferedImage image, List<ObjectTruth> objects) {
    }

    private record Placed(ShapeKind kind, boolean crowd, List<Shape> parts, Rectangle box, Color color) {
    }

    private final int size;
    private final SyntheticDatasetSpec spec;

    SceneRenderer(SyntheticDatasetSpec spec) {
        this.spec = spec;
        this.size = spec.imageSize();
    }

    Scene render(Random rng) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        paintBackground(pixels, rng);

        List<Placed> placed = new ArrayList<>();
        if (rng.nextDouble() < spec.crowdProbability()) {
            placed.add(crowd(rng));
        }
        for (int side : objectSides(rng)) {
            Placed object = placeObject(rng, placed, side);
            if (object != null) {
                placed.add(object);
            }
        }

        int[] owner = new int[size * size];
        java.util.Arrays.fill(owner, -1);
        for (int index = 0; index < placed.size(); index++) {
            paint(pixels, owner, index, placed.get(index), rng);
        }
        return new Scene(image, truths(placed, owner));
    }

    /** Low-frequency value noise over a two-colour gradient, random lines, then per-pixel noise. */
    private void paintBackground(byte[] bgr, Random rng) {
        int[] a = randomColor(rng, 0.1, 0.9);
        int[] b = randomColor(rng, 0.1, 0.9);
        double angle = rng.nextDouble() * Math.PI * 2;
        double dx = Math.cos(angle);
        double dy = Math.sin(angle);
        int grid = 9;
        double[] coarse = new double[grid * grid];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = (rng.nextDouble() - 0.5) * 70;
        }
        double cell = (double) (size - 1) / (grid - 1);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double t = Math.min(1, Math.max(0, 0.5 + ((x - size / 2.0) * dx + (y - size / 2.0) * dy) / size));
                double gx = x / cell;
                double gy = y / cell;
                int x0 = Math.min((int) gx, grid - 2);
                int y0 = Math.min((int) gy, grid - 2);
                double fx = gx - x0;
                double fy = gy - y0;
                double noise = coarse[y0 * grid + x0] * (1 - fx) * (1 - fy) + coarse[y0 * grid + x0 + 1] * fx * (1 - fy)
                        + coarse[(y0 + 1) * grid + x0] * (1 - fx) * fy + coarse[(y0 + 1) * grid + x0 + 1] * fx * fy;
                int p = 3 * (y * size + x);
                for (int c = 0; c < 3; c++) {
                    bgr[p + 2 - c] = clamp(a[c] * (1 - t) + b[c] * t + noise);
                }
            }
        }
        int lines = 4 + rng.nextInt(10);
        for (int l = 0; l < lines; l++) {
            int[] color = randomColor(rng, 0.0, 1.0);
            double x = rng.nextDouble() * size;
            double y = rng.nextDouble() * size;
            double theta = rng.nextDouble() * Math.PI;
            for (int s = -size; s < size; s++) {
                int px = (int) (x + s * Math.cos(theta));
                int py = (int) (y + s * Math.sin(theta));
                if (px >= 0 && py >= 0 && px < size && py < size) {
                    int p = 3 * (py * size + px);
                    for (int c = 0; c < 3; c++) {
                        bgr[p + 2 - c] = (byte) color[c];
                    }
                }
            }
        }
        for (int i = 0; i < bgr.length; i++) {
            bgr[i] = clamp((bgr[i] & 0xff) + rng.nextGaussian() * 8);
        }
    }

    /** A crowd region: 8-20 small shapes of one kind and colour packed into a box, annotated as one crowd object. */
    private Placed crowd(Random rng) {
        ShapeKind kind = ShapeKind.values()[rng.nextInt(ShapeKind.values().length)];
        int region = (int) (size * (0.2 + 0.2 * rng.nextDouble()));
        int rx = rng.nextInt(size - region);
        int ry = rng.nextInt(size - region);
        List<Shape> parts = new ArrayList<>();
        int count = 8 + rng.nextInt(13);
        int small = Math.max(5, size / 32);
        for (int i = 0; i < count; i++) {
            int s = small + rng.nextInt(small);
            parts.add(kind.outline(rx + rng.nextInt(region - s), ry + rng.nextInt(region - s), s));
        }
        return new Placed(kind, true, parts, new Rectangle(rx, ry, region, region), hsbColor(rng));
    }

    /**
     * Sides of this image's regular objects, log-uniform, largest first: large objects get placed while there is
     * room for them (drawing a new size on every failed try would favour small ones), and smaller ones drawn later
     * may partly hide them, as foreground objects do.
     */
    private int[] objectSides(Random rng) {
        int count = spec.minObjects() + rng.nextInt(spec.maxObjects() - spec.minObjects() + 1);
        double logMin = Math.log(spec.minObjectSize() * size);
        double logMax = Math.log(spec.maxObjectSize() * size);
        int[] sides = new int[count];
        for (int i = 0; i < count; i++) {
            sides[i] = (int) Math.round(Math.exp(logMin + rng.nextDouble() * (logMax - logMin)));
        }
        java.util.Arrays.sort(sides);
        return java.util.stream.IntStream.range(0, count).map(i -> sides[count - 1 - i]).toArray();
    }

    /** A regular object placed so that it hides at most part of any earlier one; null when no place was found. */
    private Placed placeObject(Random rng, List<Placed> earlier, int s) {
        for (int attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
            Rectangle box = new Rectangle(rng.nextInt(size - s + 1), rng.nextInt(size - s + 1), s, s);
            if (earlier.stream().allMatch(e -> coverage(box, e.box()) < 0.4 && coverage(e.box(), box) < 0.8)) {
                ShapeKind kind = ShapeKind.values()[rng.nextInt(ShapeKind.values().length)];
                return new Placed(kind, false, List.of(kind.outline(box.x, box.y, s)), box, hsbColor(rng));
            }
        }
        return null;
    }

    /** The fraction of {@code covered} that {@code cover} overlaps. */
    private static double coverage(Rectangle cover, Rectangle covered) {
        Rectangle overlap = cover.intersection(covered);
        return overlap.isEmpty() ? 0 : (double) overlap.width * overlap.height / ((double) covered.width * covered.height);
    }

    /** Fills the object's pixels (pixel centres inside the outline) with its colour plus shading, and owns them. */
    private void paint(byte[] bgr, int[] owner, int index, Placed object, Random rng) {
        int[] base = {object.color().getRed(), object.color().getGreen(), object.color().getBlue()};
        double shadeX = rng.nextGaussian() * 0.3;
        double shadeY = rng.nextGaussian() * 0.3;
        for (Shape part : object.parts()) {
            Rectangle bounds = part.getBounds().intersection(new Rectangle(0, 0, size, size));
            for (int y = bounds.y; y < bounds.y + bounds.height; y++) {
                for (int x = bounds.x; x < bounds.x + bounds.width; x++) {
                    if (part.contains(x + 0.5, y + 0.5)) {
                        owner[y * size + x] = index;
                        double shade = shadeX * (x - bounds.getCenterX()) + shadeY * (y - bounds.getCenterY());
                        int p = 3 * (y * size + x);
                        for (int c = 0; c < 3; c++) {
                            bgr[p + 2 - c] = clamp(base[c] + shade);
                        }
                    }
                }
            }
        }
    }

    /** Box and area of each object's visible pixels; objects left with no visible pixel are not annotated. */
    private List<ObjectTruth> truths(List<Placed> placed, int[] owner) {
        int n = placed.size();
        int[] minX = new int[n];
        int[] minY = new int[n];
        int[] maxX = new int[n];
        int[] maxY = new int[n];
        long[] area = new long[n];
        java.util.Arrays.fill(minX, Integer.MAX_VALUE);
        java.util.Arrays.fill(minY, Integer.MAX_VALUE);
        java.util.Arrays.fill(maxX, -1);
        java.util.Arrays.fill(maxY, -1);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int o = owner[y * size + x];
                if (o >= 0) {
                    area[o]++;
                    minX[o] = Math.min(minX[o], x);
                    minY[o] = Math.min(minY[o], y);
                    maxX[o] = Math.max(maxX[o], x);
                    maxY[o] = Math.max(maxY[o], y);
                }
            }
        }
        List<ObjectTruth> truths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (area[i] > 0) {
                BBox box = new BBox(minX[i], minY[i], maxX[i] - minX[i] + 1, maxY[i] - minY[i] + 1);
                Placed object = placed.get(i);
                truths.add(new ObjectTruth(object.kind(), object.crowd(), box, area[i], object.color()));
            }
        }
        return truths;
    }

    /** A saturated, bright colour: objects stand out by shape and contrast, not by a class colour. */
    private static Color hsbColor(Random rng) {
        return Color.getHSBColor(rng.nextFloat(), 0.55f + 0.45f * rng.nextFloat(), 0.55f + 0.45f * rng.nextFloat());
    }

    private static int[] randomColor(Random rng, double lo, double hi) {
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = (int) (255 * (lo + (hi - lo) * rng.nextDouble()));
        }
        return rgb;
    }

    private static byte clamp(double v) {
        return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }
}

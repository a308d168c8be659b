package org.detsearch.viz;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Training curves as a PNG with plain Java2D (headless; no charting dependency for one picture): loss series on
 * a logarithmic y axis against the iteration, with grid, tick labels and a legend. Non-finite and non-positive
 * values are left out; long series are thinned to about one point per pixel column.
 */
public final class LossCurveChart {
    /** One curve: its name in the legend and its points. */
    public record Series(String name, long[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
            }
        }
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b)};
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private LossCurveChart() {
    }

    public static byte[] png(String title, List<Series> series, int width, int height) {
        if (series.isEmpty() || series.stream().allMatch(s -> s.x().length == 0)) {
            throw new IllegalArgumentException("nothing to plot: no series with points");
        }
        if (width < LEFT + RIGHT + 50 || height < TOP + BOTTOM + 50) {
            throw new IllegalArgumentException("chart too small: " + width + "x" + height);
        }
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (plottable(s.y()[i])) {
                    minX = Math.min(minX, s.x()[i]);
                    maxX = Math.max(maxX, s.x()[i]);
                    minY = Math.min(minY, s.y()[i]);
                    maxY = Math.max(maxY, s.y()[i]);
                }
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, TOP - 15);
        if (minX == Double.MAX_VALUE) {
            g.drawString("no finite values yet", LEFT + 10, TOP + 20);
            return encode(image, g);
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        double logMin = Math.floor(Math.log10(minY) * 4) / 4;
        double logMax = Math.ceil(Math.log10(maxY) * 4) / 4;
        if (logMax <= logMin) {
            logMax = logMin + 0.25;
        }
        Plot plot = new Plot(LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM, minX, maxX, logMin, logMax);
        axes(g, plot);
        for (int k = 0; k < series.size(); k++) {
            curve(g, plot, series.get(k), COLORS[k % COLORS.length]);
        }
        legend(g, series, width);
        return encode(image, g);
    }

    private record Plot(int x, int y, int w, int h, double minX, double maxX, double logMin, double logMax) {
        double px(double v) {
            return x + (v - minX) / (maxX - minX) * w;
        }

        double py(double v) {
            return y + h - (Math.log10(v) - logMin) / (logMax - logMin) * h;
        }
    }

    private static boolean plottable(double v) {
        return Double.isFinite(v) && v > 0;
    }

    private static void axes(Graphics2D g, Plot p) {
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 5; i++) {
            int x = (int) Math.round(p.x() + i * p.w() / 5.0);
            g.drawLine(x, p.y(), x, p.y() + p.h());
        }
        for (double e = Math.ceil(p.logMin() * 4) / 4; e <= p.logMax() + 1e-9; e += 0.25) {
            int y = (int) Math.round(p.py(Math.pow(10, e)));
            g.drawLine(p.x(), y, p.x() + p.w(), y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(p.x(), p.y(), p.w(), p.h());
        for (int i = 0; i <= 5; i++) {
            double v = p.minX() + i * (p.maxX() - p.minX()) / 5;
            String label = String.format(Locale.ROOT, "%.0f", v);
            int x = (int) Math.round(p.x() + i * p.w() / 5.0);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, p.y() + p.h() + 16);
        }
        for (double e = Math.ceil(p.logMin() * 4) / 4; e <= p.logMax() + 1e-9; e += 0.25) {
            String label = String.format(Locale.ROOT, "%.3g", Math.pow(10, e));
            int y = (int) Math.round(p.py(Math.pow(10, e)));
            g.drawString(label, p.x() - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawString("iteration", p.x() + p.w() / 2 - 25, p.y() + p.h() + 36);
    }

    private static void curve(Graphics2D g, Plot p, Series s, Color color) {
        int n = s.x().length;
        int step = Math.max(1, n / Math.max(1, p.w()));
        Path2D.Double path = new Path2D.Double();
        boolean started = false;
        int drawn = 0;
        double lastX = 0, lastY = 0;
        for (int i = 0; i < n; i += step) {
            double y = s.y()[i];
            if (!plottable(y)) {
                continue;
            }
            lastX = p.px(s.x()[i]);
            lastY = p.py(y);
            if (started) {
                path.lineTo(lastX, lastY);
            } else {
                path.moveTo(lastX, lastY);
                started = true;
            }
            drawn++;
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(1.6f));
        if (drawn == 1) {
            g.fillOval((int) lastX - 3, (int) lastY - 3, 7, 7);
        } else if (drawn > 1) {
            g.draw(path);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, List<Series> series, int width) {
        int x = width - RIGHT - 10;
        for (int k = series.size() - 1; k >= 0; k--) {
            String name = series.get(k).name();
            x -= g.getFontMetrics().stringWidth(name) + 30;
            g.setColor(COLORS[k % COLORS.length]);
            g.fillRect(x, TOP - 24, 16, 4);
            g.setColor(Color.BLACK);
            g.drawString(name, x + 20, TOP - 18);
        }
    }

    private static byte[] encode(BufferedImage image, Graphics2D g) {
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.detsearch.image;

import org.detsearch.coco.ImageAnnotations;

import java.util.Random;

/**
 * Decoded sample -> network input, as EfficientDet's reference prepares images:
 * <ol>
 * <li>training only: a horizontal flip with probability 1/2;</li>
 * <li>a scale: the largest that fits the image into {@code size x size} times a random factor in
 *     [jitterMin, jitterMax] in training (1 for evaluation); the image is resized by it (bilinear, half-pixel
 *     centres);</li>
 * <li>training only: a random crop of {@code size x size} where the scaled image is larger;</li>
 * <li>normalisation by ImageNet's mean and standard deviation, zero padding to the square input;</li>
 * <li>boxes scaled, shifted and clipped with the image; boxes left with no area are dropped.</li>
 * </ol>
 * A fixed seed gives the same result every time (the random generator is the caller's).
 */
public final class ImagePipeline {
    private final PipelineSpec spec;

    public ImagePipeline(PipelineSpec spec) {
        this.spec = spec;
    }

    /** The evaluation transform: no flip, no jitter, no crop. */
    public PreparedImage forEvaluation(DecodedSample sample) {
        return prepare(sample, null);
    }

    /** The training transform with random flip, scale jitter and crop from {@code random}. */
    public PreparedImage forTraining(DecodedSample sample, Random random) {
        return prepare(sample, random);
    }

    private PreparedImage prepare(DecodedSample sample, Random random) {
        int width = sample.width();
        int height = sample.height();
        boolean flip = random != null && spec.flip() && random.nextBoolean();
        double jitter = random == null ? 1.0 : spec.jitterMin() + (spec.jitterMax() - spec.jitterMin()) * random.nextDouble();
        double scale = Math.min(jitter * spec.size() / height, jitter * spec.size() / width);
        int scaledHeight = (int) (height * scale);
        int scaledWidth = (int) (width * scale);
        int offsetY = random == null ? 0 : (int) (Math.max(0, scaledHeight - spec.size()) * random.nextDouble());
        int offsetX = random == null ? 0 : (int) (Math.max(0, scaledWidth - spec.size()) * random.nextDouble());

        int size = spec.size();
        float[] chw = new float[3 * size * size];
        int outHeight = Math.min(size, scaledHeight - offsetY);
        int outWidth = Math.min(size, scaledWidth - offsetX);
        byte[] rgb = sample.rgb();
        double sy = (double) height / scaledHeight;
        double sx = (double) width / scaledWidth;
        for (int y = 0; y < outHeight; y++) {
            double srcY = Math.max(0, (y + offsetY + 0.5) * sy - 0.5);
            int y0 = Math.min((int) srcY, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            double fy = srcY - y0;
            for (int x = 0; x < outWidth; x++) {
                int outX = flip ? scaledWidth - 1 - (x + offsetX) : x + offsetX;
                double srcX = Math.max(0, (outX + 0.5) * sx - 0.5);
                int x0 = Math.min((int) srcX, width - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                double fx = srcX - x0;
                for (int c = 0; c < 3; c++) {
                    double top = (rgb[3 * (y0 * width + x0) + c] & 0xff) * (1 - fx) + (rgb[3 * (y0 * width + x1) + c] & 0xff) * fx;
                    double bottom = (rgb[3 * (y1 * width + x0) + c] & 0xff) * (1 - fx) + (rgb[3 * (y1 * width + x1) + c] & 0xff) * fx;
                    double value = top * (1 - fy) + bottom * fy;
                    chw[(c * size + y) * size + x] = (float) ((value - PipelineSpec.MEAN[c]) / PipelineSpec.STD[c]);
                }
            }
        }
        return withBoxes(sample.annotations(), chw, scale, scaledWidth, offsetX, offsetY, outWidth, outHeight, flip, width, height);
    }

    private PreparedImage withBoxes(ImageAnnotations gt, float[] chw, double scale, int scaledWidth, int offsetX,
                                    int offsetY, int outWidth, int outHeight, boolean flip, int width, int height) {
        int n = gt.count();
        double[] boxes = new double[4 * n];
        int[] labels = new int[n];
        boolean[] crowd = new boolean[n];
        int kept = 0;
        float[] xywh = gt.boxes();
        for (int i = 0; i < n; i++) {
            double x0 = xywh[4 * i] * scale;
            double x1 = (xywh[4 * i] + xywh[4 * i + 2]) * scale;
            if (flip) {
                double mirrored = scaledWidth - x1;
                x1 = scaledWidth - x0;
                x0 = mirrored;
            }
            double ymin = clamp(xywh[4 * i + 1] * scale - offsetY, outHeight);
            double ymax = clamp((xywh[4 * i + 1] + xywh[4 * i + 3]) * scale - offsetY, outHeight);
            double xmin = clamp(x0 - offsetX, outWidth);
            double xmax = clamp(x1 - offsetX, outWidth);
            if (ymax > ymin && xmax > xmin) {
                boxes[4 * kept] = ymin;
                boxes[4 * kept + 1] = xmin;
                boxes[4 * kept + 2] = ymax;
                boxes[4 * kept + 3] = xmax;
                labels[kept] = gt.labels()[i];
                crowd[kept] = gt.crowd()[i];
                kept++;
            }
        }
        return new PreparedImage(gt.imageId(), spec.size(), chw, java.util.Arrays.copyOf(boxes, 4 * kept),
                java.util.Arrays.copyOf(labels, kept), java.util.Arrays.copyOf(crowd, kept), scale, width, height);
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}

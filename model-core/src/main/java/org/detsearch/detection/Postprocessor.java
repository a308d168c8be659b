package org.detsearch.detection;

import org.detsearch.coco.BBox;
import org.detsearch.coco.Detection;
import org.detsearch.coco.LabelMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Turns one image's raw head outputs into COCO detections, as EfficientDet evaluates: the top-k (anchor, class)
 * logits, sigmoid, box decoding, per-class NMS, the best {@code maxDetections} overall, then boxes divided by
 * the resize scale back to original image pixels (clipped to the image) and labels mapped to COCO category ids.
 * Outputs are laid out per anchor (the {@link AnchorGrid} order): class logits at {@code anchor * K + k}, box
 * regressions (ty, tx, th, tw) at {@code anchor * 4 + c}.
 */
public final class Postprocessor {
    private final AnchorGrid anchors;
    private final NmsSpec spec;
    private final LabelMap labels;

    public Postprocessor(AnchorGrid anchors, NmsSpec spec, LabelMap labels) {
        this.anchors = anchors;
        this.spec = spec;
        this.labels = labels;
    }

    /**
     * @param scale          input pixels per original pixel (the resize factor of the image pipeline)
     * @param originalWidth  width of the original image, for clipping
     * @param originalHeight height of the original image
     */
    public List<Detection> detections(long imageId, float[] classLogits, float[] boxRegression, double scale,
                                      int originalWidth, int originalHeight) {
        int k = labels.numClasses();
        int n = anchors.size();
        if (classLogits.length != n * k || boxRegression.length != 4 * n) {
            throw new IllegalArgumentException("expected " + n * k + " class logits and " + 4 * n + " box values for "
                    + n + " anchors, got " + classLogits.length + " and " + boxRegression.length);
        }
        int[] top = topK(classLogits, Math.min(spec.preNmsTopK(), classLogits.length));
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int index : top) {
            byClass.get(index % k).add(index);
        }
        double[] anchorBoxes = anchors.boxes();
        List<double[]> found = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            List<Integer> candidates = byClass.get(c);
            double[] boxes = new double[4 * candidates.size()];
            double[] scores = new double[candidates.size()];
            for (int i = 0; i < candidates.size(); i++) {
                int anchor = candidates.get(i) / k;
                BoxCoder.decode(boxRegression[4 * anchor], boxRegression[4 * anchor + 1], boxRegression[4 * anchor + 2],
                        boxRegression[4 * anchor + 3], anchorBoxes, 4 * anchor, boxes, 4 * i);
                scores[i] = sigmoid(classLogits[candidates.get(i)]);
            }
            for (Nms.Kept kept : Nms.suppress(boxes, scores, spec)) {
                int b = 4 * kept.index();
                found.add(new double[] {c, kept.score(), boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3]});
            }
        }
        found.sort(Comparator.comparingDouble((double[] f) -> -f[1]));
        List<Detection> detections = new ArrayList<>();
        for (double[] f : found.subList(0, Math.min(spec.maxDetections(), found.size()))) {
            double ymin = clip(f[2] / scale, originalHeight);
            double xmin = clip(f[3] / scale, originalWidth);
            double ymax = clip(f[4] / scale, originalHeight);
            double xmax = clip(f[5] / scale, originalWidth);
            if (ymax > ymin && xmax > xmin) {
                detections.add(new Detection(imageId, labels.categoryIdOf((int) f[0]),
                        new BBox(xmin, ymin, xmax - xmin, ymax - ymin), f[1]));
            }
        }
        return detections;
    }

    /** Indices of the k largest values, in no particular order (a min-heap of size k). */
    static int[] topK(float[] values, int k) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(k, (a, b) -> Float.compare(values[a], values[b]));
        for (int i = 0; i < values.length; i++) {
            if (heap.size() < k) {
                heap.add(i);
            } else if (values[i] > values[heap.peek()]) {
                heap.poll();
                heap.add(i);
            }
        }
        return heap.stream().mapToInt(Integer::intValue).toArray();
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double clip(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}

package org.detsearch.evaluation;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.BBox;
import org.detsearch.coco.Detection;
import org.detsearch.data.LoadedImage;
import org.detsearch.detection.NmsSpec;
import org.detsearch.image.CorruptImageException;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.Predictor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a detector over a prepared dataset on the executors: the model travels once per executor as a broadcast
 * zip, each task decodes and predicts its images in batches, and only the detections (a few numbers each) come
 * back to the driver.
 */
public final class DistributedInference {
    private DistributedInference() {
    }

    /**
     * @param originalSizes image id -> {width, height} of the image the ground truth describes; detections on images
     *                      that {@code prepare} downscaled (max-side) are scaled back to it. Images not in the map
     *                      keep the coordinates of the stored image.
     */
    public static List<Detection> detect(SparkSession spark, DetectorModel model, JavaRDD<LoadedImage> images, NmsSpec nms,
                                         int batchSize, Map<Long, int[]> originalSizes) {
        BroadcastDetector detector = new BroadcastDetector(JavaSparkContext.fromSparkContext(spark.sparkContext()), model);
        spark.sparkContext().setJobDescription("evaluate: detecting objects in " + images.getNumPartitions() + " partitions");
        try {
            List<double[]> rows = images.mapPartitions(partition -> {
                Predictor predictor = new Predictor(detector.restore(), nms, batchSize);
                return detections(predictor, partition, batchSize);
            }).collect();
            return rescaled(rows, originalSizes);
        } finally {
            spark.sparkContext().setJobDescription(null);
            detector.destroy();
        }
    }

    /** The same in this JVM, with a predictor of the caller's (a sweep trial evaluating inside its own task). */
    public static List<Detection> detect(Predictor predictor, Iterator<LoadedImage> images, int batchSize,
                                         Map<Long, int[]> originalSizes) throws CorruptImageException {
        List<double[]> rows = new ArrayList<>();
        detections(predictor, images, batchSize).forEachRemaining(rows::add);
        return rescaled(rows, originalSizes);
    }

    private static List<Detection> rescaled(List<double[]> rows, Map<Long, int[]> originalSizes) {
        List<Detection> detections = new ArrayList<>(rows.size());
        for (double[] r : rows) {
            long imageId = (long) r[0];
            int[] original = originalSizes.get(imageId);
            double sx = original == null ? 1 : original[0] / r[7];
            double sy = original == null ? 1 : original[1] / r[8];
            detections.add(new Detection(imageId, (int) r[1], new BBox(r[2] * sx, r[3] * sy, r[4] * sx, r[5] * sy), r[6]));
        }
        return detections;
    }

    private static Iterator<double[]> detections(Predictor predictor, Iterator<LoadedImage> images, int batchSize)
            throws CorruptImageException {
        List<double[]> rows = new ArrayList<>();
        List<DecodedSample> batch = new ArrayList<>(batchSize);
        while (images.hasNext()) {
            LoadedImage image = images.next();
            batch.add(DecodedSample.of(image.annotations(), ImageCodec.decode(image.encoded())));
            if (batch.size() == batchSize || !images.hasNext()) {
                Map<Long, DecodedSample> byId = new HashMap<>();
                batch.forEach(s -> byId.put(s.imageId(), s));
                for (Detection d : predictor.detect(batch)) {
                    BBox b = d.bbox();
                    DecodedSample s = byId.get(d.imageId());
                    rows.add(new double[] {d.imageId(), d.categoryId(), b.x(), b.y(), b.width(), b.height(), d.score(),
                            s.width(), s.height()});
                }
                batch.clear();
            }
        }
        return rows.iterator();
    }
}

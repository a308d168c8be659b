package org.detsearch.evaluation;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoJsonWriter;
import org.detsearch.coco.Detection;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.Manifest;
import org.detsearch.data.ShardReader;
import org.detsearch.detection.NmsSpec;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained detector evaluated on a prepared dataset: distributed inference over its shards, the detections
 * written as a COCO results file ({@value #DETECTIONS}), then COCO bbox metrics against the dataset's ground-truth
 * JSON ({@value #METRICS}). The ground truth is the COCO file {@code prepare} read (its manifest names it) unless
 * another is given; images {@code prepare} skipped still count, as misses, since their boxes are in that file.
 */
public final class ModelEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(ModelEvaluation.class);
    public static final String DETECTIONS = "detections.json";
    public static final String METRICS = "metrics.json";

    public record Result(Path detectionsFile, Path metricsFile, CocoMetrics metrics, long images, int detections,
                         double inferenceSeconds) {
    }

    private final SparkSession spark;
    private final HadoopFiles files;

    public ModelEvaluation(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    /**
     * @param groundTruth COCO instances JSON to score against; null for the one the dataset was prepared from
     * @param output      folder for {@value #DETECTIONS} and {@value #METRICS} (any Hadoop path; files replaced)
     */
    public Result run(String model, String dataset, String groundTruth, String output, NmsSpec nms, int batchSize,
                      boolean perClass) throws IOException {
        DetectorModel detector = DetectorModel.load(files, files.qualify(model), false, new HashMap<>());
        ShardReader reader = new ShardReader(spark);
        Manifest manifest = reader.manifest(dataset);
        String gtPath = groundTruth != null ? groundTruth : manifest.annotations();
        CocoInstances instances = CocoJsonReader.readInstances(files, files.qualify(gtPath));
        checkCategories(detector, instances, gtPath);
        Map<Long, int[]> sizes = originalSizes(instances);
        JavaRDD<LoadedImage> images = reader.encoded(dataset, spark.sparkContext().defaultParallelism());
        long start = System.nanoTime();
        List<Detection> detections = DistributedInference.detect(spark, detector, images, nms, batchSize, sizes);
        double seconds = (System.nanoTime() - start) / 1e9;
        long count = manifest.counts().imagesWritten();
        LOG.info("evaluate: {} detections on {} images in {} s", detections.size(), count, String.format("%.1f", seconds));

        Path outDir = files.qualify(output);
        Path detectionsFile = new Path(outDir, DETECTIONS);
        files.writeAtomically(detectionsFile, out -> CocoJsonWriter.writeResults(detections, out));
        CocoMetrics metrics = new CocoEvaluator().evaluate(EvalGroundTruth.of(instances), DetectionTable.of(detections), perClass);
        Path metricsFile = new Path(outDir, METRICS);
        files.writeAtomically(metricsFile, metrics.toJson());
        return new Result(detectionsFile, metricsFile, metrics, count, detections.size(), seconds);
    }

    /** Image id -> {width, height} as the ground truth describes the images (before any downscaling by prepare). */
    public static Map<Long, int[]> originalSizes(CocoInstances instances) {
        Map<Long, int[]> sizes = new HashMap<>();
        for (CocoImage image : instances.images()) {
            sizes.put(image.id(), new int[] {image.width(), image.height()});
        }
        return sizes;
    }

    /** A model trained on other categories would score 0 with no hint why: refuse it by name. */
    public static void checkCategories(DetectorModel detector, CocoInstances instances, String gtPath) {
        List<Integer> modelIds = detector.categories().stream().map(c -> c.id()).sorted().toList();
        List<Integer> gtIds = instances.categories().stream().map(c -> c.id()).sorted().toList();
        if (!gtIds.containsAll(modelIds)) {
            throw new IllegalArgumentException("the model predicts category ids " + modelIds + " but " + gtPath
                    + " defines " + gtIds);
        }
    }
}

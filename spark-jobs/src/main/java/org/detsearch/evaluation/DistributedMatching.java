package org.detsearch.evaluation;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.eval.EvalIndex;
import org.detsearch.eval.EvalParams;
import org.detsearch.eval.ImageCategoryEval;
import org.detsearch.eval.PerImageMatching;

import java.util.ArrayList;
import java.util.List;

/**
 * COCO evaluation with the per-image matching on executors: images are split into groups, each group's ground
 * truth and detections go to a task that matches them, and the driver accumulates the matches. Matching is
 * independent per image and accumulation sorts by image, so the numbers are identical to the one-JVM path.
 */
public final class DistributedMatching {
    private DistributedMatching() {
    }

    /** One task's share: the ground truth and detections of a set of images. */
    record Share(List<CocoAnnotation> annotations, DetectionTable detections) {
    }

    public static CocoMetrics evaluate(SparkSession spark, EvalGroundTruth gt, DetectionTable detections, boolean perClass, int tasks) {
        EvalIndex index = gt.index();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<EvalIndex> sharedIndex = jsc.broadcast(index);
        spark.sparkContext().setJobDescription("evaluate: match detections to ground truth on " + tasks + " tasks");
        try {
            List<ImageCategoryEval> matches = jsc.parallelize(split(gt, detections, tasks), tasks)
                    .flatMap(share -> new PerImageMatching(EvalParams.COCO, sharedIndex.value())
                            .match(share.annotations(), share.detections()).iterator())
                    .collect();
            return new CocoEvaluator().summarise(gt, matches, perClass ? detections : null);
        } finally {
            spark.sparkContext().setJobDescription(null);
            sharedIndex.destroy();
        }
    }

    /** Images round-robin over the tasks by their position; detections on images outside the index stay with task 0, which rejects them. */
    static List<Share> split(EvalGroundTruth gt, DetectionTable detections, int tasks) {
        EvalIndex index = gt.index();
        List<List<CocoAnnotation>> annotations = new ArrayList<>();
        List<List<Integer>> detectionRows = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            annotations.add(new ArrayList<>());
            detectionRows.add(new ArrayList<>());
        }
        for (CocoAnnotation a : gt.annotations()) {
            int image = index.imageIndex(a.imageId());
            annotations.get(Math.max(image, 0) % tasks).add(a);
        }
        for (int i = 0; i < detections.size(); i++) {
            int image = index.imageIndex(detections.imageIds()[i]);
            detectionRows.get(Math.max(image, 0) % tasks).add(i);
        }
        List<Share> shares = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            shares.add(new Share(annotations.get(t), select(detections, detectionRows.get(t))));
        }
        return shares;
    }

    private static DetectionTable select(DetectionTable all, List<Integer> rows) {
        int n = rows.size();
        long[] images = new long[n];
        int[] categories = new int[n];
        double[] boxes = new double[4 * n];
        double[] scores = new double[n];
        for (int k = 0; k < n; k++) {
            int i = rows.get(k);
            images[k] = all.imageIds()[i];
            categories[k] = all.categoryIds()[i];
            System.arraycopy(all.boxes(), 4 * i, boxes, 4 * k, 4);
            scores[k] = all.scores()[i];
        }
        return new DetectionTable(images, categories, boxes, scores);
    }

}

package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.Detection;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.Manifest;
import org.detsearch.data.ShardFiles;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.evaluation.DistributedInference;
import org.detsearch.evaluation.ModelEvaluation;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.Predictor;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A trial's evaluation, in the trial's JVM: the first {@code max-images} images of the evaluation split (all with 0),
 * read from its shards, the detector's detections on them mapped back to the ground truth's image sizes, and the
 * COCO bbox metrics against the ground truth the split was prepared from, restricted to those images (images
 * {@code prepare} skipped are not evaluated: they are not in the shards).
 */
public final class TrialEvaluation {
    /** The metrics and how much was evaluated. */
    public record Result(CocoMetrics metrics, int images, int detections) {
    }

    private final HadoopFiles files;

    public TrialEvaluation(HadoopFiles files) {
        this.files = files;
    }

    public Result evaluate(DetectorModel model, TrialSettings settings) throws IOException {
        Path dataset = files.qualify(settings.evaluationData());
        Manifest manifest = Manifest.read(files, dataset);
        List<LoadedImage> images = new ShardFiles(files).read(dataset, manifest, null, settings.evalMaxImages());
        if (images.isEmpty()) {
            throw new IllegalArgumentException("evaluation split " + dataset + " holds no images");
        }
        String gtPath = manifest.annotations();
        CocoInstances all = CocoJsonReader.readInstances(files, files.qualify(gtPath));
        ModelEvaluation.checkCategories(model, all, gtPath);
        Set<Long> ids = new HashSet<>();
        images.forEach(i -> ids.add(i.annotations().imageId()));
        List<CocoImage> gtImages = all.images().stream().filter(i -> ids.contains(i.id())).toList();
        List<CocoAnnotation> gtAnnotations = all.annotations().stream().filter(a -> ids.contains(a.imageId())).toList();
        CocoInstances gt = new CocoInstances(gtImages, gtAnnotations, all.categories());
        Predictor predictor = new Predictor(model, settings.nms(), settings.evalBatchSize());
        List<Detection> detections;
        try {
            detections = DistributedInference.detect(predictor, images.iterator(), settings.evalBatchSize(),
                    ModelEvaluation.originalSizes(gt));
        } catch (org.detsearch.image.CorruptImageException e) {
            throw new IOException("an evaluation image no longer decodes: " + e.getMessage(), e);
        }
        CocoMetrics metrics = new CocoEvaluator().evaluate(EvalGroundTruth.of(gt), DetectionTable.of(detections), false);
        return new Result(metrics, images.size(), detections.size());
    }
}

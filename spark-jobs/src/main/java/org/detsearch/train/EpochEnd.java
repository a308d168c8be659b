package org.detsearch.train;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.data.LoadedImage;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.image.PreparedImage;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What every epoch of data-parallel training ends with, on the driver: the network's iteration and epoch counts set
 * to what was done (DL4J's master adds its averaging frequency per round, also for a short last round), the loss
 * parts of a fixed probe minibatch (workers report only a total), a stop on a NaN or infinite loss naming the part,
 * a history row and progress line, the checkpoint and the loss curves.
 */
public final class EpochEnd {
    /** Training images whose loss parts the log reports after each epoch. */
    private static final int PROBE_IMAGES = 8;

    private final String job;
    private final MultiDataSet probe;
    private final TrainingLog log;
    private final CheckpointStore checkpoints;
    private final LossCurves curves;

    /** @param job what diverges in the error message ("training", "the search") */
    public EpochEnd(String job, MultiDataSet probe, TrainingLog log, CheckpointStore checkpoints, LossCurves curves) {
        this.job = job;
        this.probe = probe;
        this.log = log;
        this.checkpoints = checkpoints;
        this.curves = curves;
    }

    /** A fixed minibatch of the first images, evaluation transform. */
    public static MultiDataSet probe(JavaRDD<LoadedImage> images, PipelineSpec pipelineSpec, DetectorSpec spec) {
        ImagePipeline pipeline = new ImagePipeline(pipelineSpec);
        Iterator<DecodedSample> samples = SparkDetectorTraining.decoded(images.take(PROBE_IMAGES).iterator());
        List<PreparedImage> prepared = new ArrayList<>();
        samples.forEachRemaining(s -> prepared.add(pipeline.forEvaluation(s)));
        TargetEncoder encoder = new TargetEncoder(new AnchorGrid(spec.anchors(), spec.imageSize(), spec.imageSize()), spec.numClasses());
        return new DetectionBatches(encoder).batch(prepared);
    }

    /**
     * @param loss      the workers' mean loss of the epoch
     * @param epoch     the epoch just done, from 1
     * @param iteration the iterations done after it
     * @return the model as checkpointed
     */
    public DetectorModel finish(ComputationGraph net, double loss, DetectorModel before, int epoch, int iteration,
                                double imagesPerSecond) throws IOException {
        return finish(net, loss, before, epoch, iteration, imagesPerSecond, null);
    }

    /** @param average the moving average of the weights, checkpointed with them (or null) */
    public DetectorModel finish(ComputationGraph net, double loss, DetectorModel before, int epoch, int iteration,
                                double imagesPerSecond, WeightAverage average) throws IOException {
        net.getConfiguration().setIterationCount(iteration);
        net.getConfiguration().setEpochCount(epoch);
        net.score(probe, false);
        double classLoss = net.getLayer(DetectorSpec.CLASS_OUTPUT).score();
        double boxLoss = net.getLayer(DetectorSpec.BOX_OUTPUT).score();
        checkFinite("total", loss, epoch, iteration);
        checkFinite(DetectorSpec.CLASS_OUTPUT, classLoss, epoch, iteration);
        checkFinite(DetectorSpec.BOX_OUTPUT, boxLoss, epoch, iteration);
        log.record(new TrainingLog.Row(iteration, epoch, loss, classLoss, boxLoss, DetectorTrainer.learningRate(net, iteration),
                imagesPerSecond), true);
        DetectorModel model = new DetectorModel(net, before.spec(), before.categories());
        checkpoints.save(model, epoch, iteration, average);
        log.flush();
        curves.write(log.rows());
        return model;
    }

    private void checkFinite(String part, double value, int epoch, int iteration) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(job + " diverged in epoch " + epoch + " (iterations up to " + iteration
                    + "): the " + part + " loss is " + value + "; the last good checkpoint is kept");
        }
    }
}

package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.detsearch.coco.CocoCategory;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.Manifest;
import org.detsearch.data.ShardFiles;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.ImagePipeline;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.detsearch.scaling.TrialConfig;
import org.detsearch.train.CheckpointStore;
import org.detsearch.train.DetectorTrainer;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainSpec;
import org.detsearch.train.SparkDetectorTraining;
import org.detsearch.train.TrainingBatches;
import org.detsearch.train.TrainingLog;
import org.detsearch.train.WeightAverage;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Proxy training in this JVM with model-core's loop ({@link DetectorTrainer}): the trial reads its training images
 * from the shards itself (encoded, kept in memory: a proxy budget is a few hundred to a few thousand images),
 * shuffles them per epoch by its seed, decodes and augments each minibatch as it is needed, and checkpoints into
 * its work folder every {@code checkpointEvery} iterations, so a retried attempt (an executor lost mid-trial)
 * continues where the last checkpoint left it.
 */
public final class InProcessTraining implements ProxyTraining {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessTraining.class);
    private final HadoopFiles files;
    private final int checkpointEvery;

    public InProcessTraining(HadoopFiles files, int checkpointEvery) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpoint interval must be at least 1 iteration, got " + checkpointEvery);
        }
        this.files = files;
        this.checkpointEvery = checkpointEvery;
    }

    @Override
    public Trained train(TrialConfig config, TrialSettings settings, DetectorSpec spec, List<CocoCategory> categories,
                         long images, Path workDir) throws IOException {
        Path dataset = files.qualify(settings.trainData());
        List<LoadedImage> training = new ShardFiles(files).read(dataset, Manifest.read(files, dataset),
                settings.subsetSeed(), images);
        int perEpoch = (int) Math.ceil((double) training.size() / settings.batchSize());
        int total = perEpoch * settings.epochs();
        CheckpointStore checkpoints = new CheckpointStore(files, workDir);
        Optional<CheckpointStore.Checkpoint> checkpoint = checkpoints.restore().filter(c -> c.model().spec().equals(spec));
        TrainSpec train = settings.trainSpec(TrainSpec.Mode.LOCAL, config.seed(), spec.imageSize(), checkpointEvery);
        DetectorModel model = checkpoint.isPresent() ? checkpoint.get().model()
                : TrainJob.fresh(files, spec, train, categories, total, perEpoch, "");
        int start = checkpoint.map(CheckpointStore.Checkpoint::iteration).orElse(0);
        if (start > 0) {
            LOG.info("trial {}: resuming from its checkpoint at iteration {} of {}", config.id(), start, total);
        }
        WeightAverage average = TrainJob.average(train, checkpoint, model);
        TrainingLog log = new TrainingLog(files, workDir, start, total, settings.epochs());
        new DetectorTrainer(checkpoints, checkpointEvery).train(model, start, total, perEpoch,
                batches(training, spec, settings, config.seed(), perEpoch), log, iteration -> { }, average);
        if (average != null) {
            // as the train job: the evaluated model is the moving average (the checkpoint keeps the raw weights)
            model.net().setParams(average.values());
        }
        return new Trained(model, log.rows(), training.size(), start);
    }

    /** Iteration i's minibatch: epoch i / perEpoch's seeded permutation of the images, its (i % perEpoch)-th slice. */
    private static IntFunction<MultiDataSet> batches(List<LoadedImage> images, DetectorSpec spec, TrialSettings settings,
                                                     long seed, int perEpoch) {
        ImagePipeline pipeline = new ImagePipeline(settings.pipeline(spec.imageSize()));
        TargetEncoder encoder = new TargetEncoder(new AnchorGrid(spec.anchors(), spec.imageSize(), spec.imageSize()), spec.numClasses());
        int batch = settings.batchSize();
        return iteration -> {
            int epoch = iteration / perEpoch;
            List<LoadedImage> order = new ArrayList<>(images);
            Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
            int from = (iteration % perEpoch) * batch;
            List<LoadedImage> slice = order.subList(from, Math.min(order.size(), from + batch));
            return new TrainingBatches(SparkDetectorTraining.decoded(slice.iterator()), pipeline, encoder, batch, seed, epoch).next();
        };
    }
}

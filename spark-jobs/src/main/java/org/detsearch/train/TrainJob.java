package org.detsearch.train;

import org.detsearch.model.TrainingSettings;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.detsearch.coco.CocoCategory;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.config.ConfigView;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.Manifest;
import org.detsearch.data.ShardReader;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PreparedImage;
import org.detsearch.io.HadoopFiles;
import org.detsearch.io.OutputFolder;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code detsearch train}: a detector from a prepared dataset, in one JVM or data-parallel on Spark, one config
 * for both. The run folder (any Hadoop path) receives {@code resolved.conf}, {@code checkpoint.zip} (model,
 * updater state and position), {@code history.csv}, {@code loss-curve.png} and, at the end, {@code model.zip}.
 * Started again on a folder holding a checkpoint, it continues from there (finished epochs and iterations are
 * not repeated); a folder holding a finished run is refused unless overwriting.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    public static final String MODEL = "model.zip";
    public static final String RESOLVED_CONF = "resolved.conf";
    /** Training images whose loss the Spark log reports per part after each epoch (workers report only a total). */
    private static final int PROBE_IMAGES = 8;

    /** A finished run: where the model is, and how much was trained (in this call and in total). */
    public record Result(Path runDir, Path model, int epochs, int iterations, int resumedFromIteration) {
    }

    private final SparkSession spark;
    private final HadoopFiles files;

    public TrainJob(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    public Result run(TrainSpec train, ConfigView modelConfig, String dataset, String output, boolean overwrite,
                      String resolvedConfig) throws IOException {
        Path runDir = files.qualify(output);
        ShardReader reader = new ShardReader(spark);
        Manifest manifest = reader.manifest(dataset);
        List<CocoCategory> categories = manifest.categories().stream()
                .sorted(Comparator.comparingInt(Manifest.Category::id))
                .map(c -> new CocoCategory(c.id(), c.name(), c.supercategory())).toList();
        DetectorSpec spec = DetectorSpec.fromConfig(modelConfig, categories.size());
        long images = manifest.counts().imagesWritten();
        if (images == 0) {
            throw new IllegalArgumentException("dataset " + dataset + " holds no images to train on");
        }
        int workers = train.mode() == TrainSpec.Mode.LOCAL ? 1
                : train.workers() > 0 ? train.workers() : spark.sparkContext().defaultParallelism();
        int perEpoch = (int) Math.ceil(Math.ceil((double) images / workers) / train.batchSize());
        int total = perEpoch * train.epochs();

        CheckpointStore checkpoints = new CheckpointStore(files, runDir);
        Optional<CheckpointStore.Checkpoint> checkpoint = claimOrResume(runDir, checkpoints, spec, overwrite);
        files.writeAtomically(new Path(runDir, RESOLVED_CONF), resolvedConfig.getBytes(StandardCharsets.UTF_8));
        DetectorModel model = checkpoint.map(CheckpointStore.Checkpoint::model).orElseGet(() -> fresh(spec, train, categories, total, perEpoch));
        int startIteration = checkpoint.map(CheckpointStore.Checkpoint::iteration).orElse(0);
        int startEpoch = checkpoint.map(CheckpointStore.Checkpoint::epoch).orElse(0);
        if (checkpoint.isPresent()) {
            LOG.info("train: resuming {} from its checkpoint after epoch {}, iteration {}", runDir, startEpoch, startIteration);
        }
        LOG.info("train: {} images, {} mode with {} worker(s), batch {}{}, {} iterations per epoch, {} epochs",
                images, train.mode().name().toLowerCase(), workers, train.batchSize(), workers > 1 ? " per worker" : "",
                perEpoch, train.epochs());

        TrainingLog log = new TrainingLog(files, runDir, startIteration, total, train.epochs());
        LossCurves curves = new LossCurves(files, runDir);
        JavaRDD<LoadedImage> encoded = reader.encoded(dataset, workers).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            if (train.mode() == TrainSpec.Mode.LOCAL) {
                DetectorTrainer trainer = new DetectorTrainer(checkpoints, train.checkpointEvery());
                trainer.train(model, startIteration, total, perEpoch, new LocalBatches(encoded, train, spec, perEpoch), log,
                        iteration -> curves.write(log.rows()));
            } else {
                model = trainOnSpark(model, train, encoded, workers, perEpoch, startEpoch, log, checkpoints, curves);
            }
        } finally {
            encoded.unpersist(false);
        }
        Path modelFile = new Path(runDir, MODEL);
        model.save(files, modelFile, false, Map.of());
        LOG.info("train: model written to {}", modelFile);
        return new Result(runDir, modelFile, train.epochs(), total, startIteration);
    }

    private Optional<CheckpointStore.Checkpoint> claimOrResume(Path runDir, CheckpointStore checkpoints, DetectorSpec spec,
                                                               boolean overwrite) throws IOException {
        if (!overwrite && files.exists(new Path(runDir, MODEL))) {
            throw new OutputFolder.OutputExistsException("output " + runDir + " already holds a finished run (" + MODEL
                    + "); choose another output or set overwrite = true to train again");
        }
        if (!overwrite && files.exists(checkpoints.file())) {
            CheckpointStore.Checkpoint checkpoint = checkpoints.restore().orElseThrow();
            if (!checkpoint.model().spec().equals(spec)) {
                throw new ConfigValidationException("the checkpoint in " + runDir + " is of another model ("
                        + checkpoint.model().spec() + ", not " + spec + "); set overwrite = true to start again", null);
            }
            return Optional.of(checkpoint);
        }
        OutputFolder.claim(files, runDir, overwrite, MODEL);
        return Optional.empty();
    }

    private static DetectorModel fresh(DetectorSpec spec, TrainSpec train, List<CocoCategory> categories, int total, int perEpoch) {
        OptimizerSpec o = train.optimizer();
        ComputationGraph net = new ComputationGraph(spec.graph(new TrainingSettings(o.updater(total, perEpoch), o.weightDecay(),
                o.gradientClip(), train.seed())));
        net.init();
        return new DetectorModel(net, spec, categories);
    }

    private DetectorModel trainOnSpark(DetectorModel model, TrainSpec train, JavaRDD<LoadedImage> encoded, int workers,
                                       int perEpoch, int startEpoch, TrainingLog log, CheckpointStore checkpoints,
                                       LossCurves curves) throws IOException {
        DetectorSpec spec = model.spec();
        SparkDetectorTraining trainer = new SparkDetectorTraining(spec, train.pipeline(), train.batchSize(),
                train.averagingFrequency(), train.prefetch(), train.seed());
        SparkComputationGraph sparkNet = trainer.sparkNet(spark, model.net(), workers);
        MultiDataSet probe = probe(encoded, train, spec);
        long images = encoded.count();
        for (int epoch = startEpoch; epoch < train.epochs(); epoch++) {
            long start = System.nanoTime();
            trainer.fitEpoch(spark, sparkNet, EpochOrder.shuffled(encoded, train.seed(), epoch, workers), epoch, train.epochs());
            double seconds = (System.nanoTime() - start) / 1e9;
            ComputationGraph net = sparkNet.getNetwork();
            int iteration = (epoch + 1) * perEpoch;
            // DL4J's master adds the averaging frequency per split, also for a last split of fewer minibatches:
            // the schedule and the checkpoint follow the iterations actually done
            net.getConfiguration().setIterationCount(iteration);
            net.getConfiguration().setEpochCount(epoch + 1);
            net.score(probe, false);
            double classLoss = net.getLayer(DetectorSpec.CLASS_OUTPUT).score();
            double boxLoss = net.getLayer(DetectorSpec.BOX_OUTPUT).score();
            double loss = sparkNet.getScore();
            for (String part : List.of("total", DetectorSpec.CLASS_OUTPUT, DetectorSpec.BOX_OUTPUT)) {
                double value = part.equals("total") ? loss : part.equals(DetectorSpec.CLASS_OUTPUT) ? classLoss : boxLoss;
                if (!Double.isFinite(value)) {
                    throw new TrainingDivergedException("training diverged in epoch " + (epoch + 1) + " (iterations up to "
                            + iteration + "): the " + part + " loss is " + value + "; the last good checkpoint is kept");
                }
            }
            log.record(new TrainingLog.Row(iteration, epoch + 1, loss, classLoss, boxLoss,
                    DetectorTrainer.learningRate(net, iteration), images / seconds), true);
            model = new DetectorModel(net, spec, model.categories());
            checkpoints.save(model, epoch + 1, iteration);
            log.flush();
            curves.write(log.rows());
        }
        return model;
    }

    /** A fixed minibatch of the first training images, evaluation transform: the per-part losses the log reports. */
    private static MultiDataSet probe(JavaRDD<LoadedImage> encoded, TrainSpec train, DetectorSpec spec) {
        ImagePipeline pipeline = new ImagePipeline(train.pipeline());
        Iterator<org.detsearch.image.DecodedSample> samples = SparkDetectorTraining.decoded(encoded.take(PROBE_IMAGES).iterator());
        List<PreparedImage> prepared = new java.util.ArrayList<>();
        samples.forEachRemaining(s -> prepared.add(pipeline.forEvaluation(s)));
        TargetEncoder encoder = new TargetEncoder(new AnchorGrid(spec.anchors(), spec.imageSize(), spec.imageSize()), spec.numClasses());
        return new org.detsearch.train.DetectionBatches(encoder).batch(prepared);
    }
}

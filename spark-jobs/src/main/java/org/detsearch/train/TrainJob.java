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
import org.detsearch.model.BatchNorms;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.nats.Genotype;
import org.detsearch.nats.TransformedDetectorSpec;
import org.detsearch.backbone.PretrainedLoadReport;
import org.detsearch.backbone.PretrainedWeights;
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

    /** A finished run: where the model is, and how much was trained (in this call and in total). */
    public record Result(Path runDir, Path model, int epochs, int iterations, int resumedFromIteration) {
    }

    private final SparkSession spark;
    private final HadoopFiles files;

    public TrainJob(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    public Result run(TrainSpec configured, ConfigView modelConfig, String dataset, String output, boolean overwrite,
                      String resolvedConfig) throws IOException {
        ShardReader reader = new ShardReader(spark);
        Manifest manifest = reader.manifest(dataset);
        List<CocoCategory> categories = categories(manifest);
        DetectorSpec spec = detector(files, modelConfig, categories.size());
        TrainSpec train = configured.withImageSize(spec.imageSize());
        long images = manifest.counts().imagesWritten();
        if (images == 0) {
            throw new IllegalArgumentException("dataset " + dataset + " holds no images to train on");
        }
        return run(train, spec, categories, reader.encoded(dataset, workers(train)), images, files.qualify(output), overwrite,
                resolvedConfig, pretrained(modelConfig));
    }

    /** A dataset's categories in COCO id order: label i is the i-th. */
    public static List<CocoCategory> categories(Manifest manifest) {
        return manifest.categories().stream()
                .sorted(Comparator.comparingInt(Manifest.Category::id))
                .map(c -> new CocoCategory(c.id(), c.name(), c.supercategory())).toList();
    }

    /** Training workers: 1 in local mode, else the configured number or the cluster's default parallelism. */
    public int workers(TrainSpec train) {
        return train.mode() == TrainSpec.Mode.LOCAL ? 1
                : train.workers() > 0 ? train.workers() : spark.sparkContext().defaultParallelism();
    }

    /**
     * Trains {@code spec} on {@code encoded} ({@code images} of them, partitioned for the workers) into {@code runDir},
     * from {@code pretrained} backbone weights ("" = none): the body of a train run, also used by sweeps, whose trials
     * train on a subset of a dataset.
     */
    public Result run(TrainSpec train, DetectorSpec spec, List<CocoCategory> categories, JavaRDD<LoadedImage> encoded,
                      long images, Path runDir, boolean overwrite, String resolvedConfig, String pretrained) throws IOException {
        int workers = workers(train);
        int perEpoch = (int) Math.ceil(Math.ceil((double) images / workers) / train.batchSize());
        int total = perEpoch * train.epochs();

        CheckpointStore checkpoints = new CheckpointStore(files, runDir);
        Optional<CheckpointStore.Checkpoint> checkpoint = RunFolder.claimOrResume(files, runDir, checkpoints, spec, overwrite, MODEL);
        files.writeAtomically(new Path(runDir, RESOLVED_CONF), resolvedConfig.getBytes(StandardCharsets.UTF_8));
        DetectorModel model = checkpoint.isPresent() ? checkpoint.get().model()
                : fresh(files, spec, train, categories, total, perEpoch, pretrained);
        int startIteration = checkpoint.map(CheckpointStore.Checkpoint::iteration).orElse(0);
        int startEpoch = checkpoint.map(CheckpointStore.Checkpoint::epoch).orElse(0);
        if (checkpoint.isPresent()) {
            LOG.info("train: resuming {} from its checkpoint after epoch {}, iteration {}", runDir, startEpoch, startIteration);
        }
        LOG.info("train: {} images, {} mode with {} worker(s), batch {}{}, {} iterations per epoch, {} epochs",
                images, train.mode().name().toLowerCase(), workers, train.batchSize(), workers > 1 ? " per worker" : "",
                perEpoch, train.epochs());

        WeightAverage average = average(train, checkpoint, model);
        TrainingLog log = new TrainingLog(files, runDir, startIteration, total, train.epochs());
        LossCurves curves = new LossCurves(files, runDir);
        encoded.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            if (train.mode() == TrainSpec.Mode.LOCAL) {
                DetectorTrainer trainer = new DetectorTrainer(checkpoints, train.checkpointEvery());
                trainer.train(model, startIteration, total, perEpoch, new LocalBatches(encoded, train, spec, perEpoch), log,
                        iteration -> curves.write(log.rows()), average);
            } else {
                model = trainOnSpark(model, train, encoded, workers, perEpoch, startEpoch, log, checkpoints, curves, average);
            }
        } finally {
            encoded.unpersist(false);
        }
        if (average != null) {
            // the reference evaluates the moving average: the finished model keeps it (the checkpoint the raw weights)
            model.net().setParams(average.values());
        }
        Path modelFile = new Path(runDir, MODEL);
        model.save(files, modelFile, false, Map.of());
        LOG.info("train: model written to {}", modelFile);
        return new Result(runDir, modelFile, train.epochs(), total, startIteration);
    }


    /**
     * The {@code model} section's detector; with a {@code genotype} (a {@code genotype.json} of {@code search}) the
     * RetinaNet's backbone is the NATS-transformed one.
     */
    static DetectorSpec detector(HadoopFiles files, ConfigView model, int numClasses) throws IOException {
        DetectorSpec spec = DetectorSpec.fromConfig(model, numClasses);
        String genotype = model.string("genotype");
        if (genotype.isBlank()) {
            return spec;
        }
        if (!(spec instanceof RetinaNetSpec retinaNet)) {
            throw new ConfigValidationException(model.fullPath("genotype"), genotype, "a genotype transforms the ResNet of a retinanet");
        }
        Genotype read = Genotype.read(files, files.qualify(genotype));
        return ConfigView.validated(model.section(), () -> new TransformedDetectorSpec(retinaNet, read));
    }

    private static String pretrained(ConfigView model) {
        return model.string("pretrained");
    }

    /**
     * The moving average of the weights a run keeps ({@code ema-decay}; null when 0): the checkpoint's when resuming,
     * else one starting from the model's weights.
     */
    public static WeightAverage average(TrainSpec train, Optional<CheckpointStore.Checkpoint> checkpoint, DetectorModel model) {
        double emaDecay = train.optimizer().emaDecay();
        if (emaDecay == 0) {
            return null;
        }
        INDArray restored = checkpoint.map(CheckpointStore.Checkpoint::average).orElse(null);
        return restored != null ? WeightAverage.restored(emaDecay, restored) : new WeightAverage(emaDecay, model.net().params());
    }

    /**
     * A freshly initialised model of {@code spec} with the updater of a run of {@code total} iterations and the batch-norm
     * decay of {@code train}, from {@code pretrained} backbone weights ("" = none).
     */
    public static DetectorModel fresh(HadoopFiles files, DetectorSpec spec, TrainSpec train, List<CocoCategory> categories,
                                      int total, int perEpoch, String pretrained) throws IOException {
        OptimizerSpec o = train.optimizer();
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = spec.graph(new TrainingSettings(o.updater(total, perEpoch),
                o.weightDecay(), o.gradientClip(), train.seed()));
        BatchNorms.setDecay(conf, o.batchNormDecay());
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        loadPretrained(files, net, spec, pretrained, "train");
        return new DetectorModel(net, spec, categories);
    }

    /** Loads pretrained backbone weights (a DL4J zip or Keras file on any Hadoop path; "" = none) into a fresh network. */
    public static void loadPretrained(HadoopFiles files, ComputationGraph net, DetectorSpec spec, String pretrained, String job)
            throws IOException {
        if (!pretrained.isBlank()) {
            PretrainedLoadReport report = PretrainedWeights.read(files, pretrained)
                    .loadInto(net, PretrainedWeights.layersOf(spec.featureExtractor()));
            LOG.info("{}: pretrained backbone: {}", job, report.summary());
        }
    }

    private DetectorModel trainOnSpark(DetectorModel model, TrainSpec train, JavaRDD<LoadedImage> encoded, int workers,
                                       int perEpoch, int startEpoch, TrainingLog log, CheckpointStore checkpoints,
                                       LossCurves curves, WeightAverage average) throws IOException {
        DetectorSpec spec = model.spec();
        SparkDetectorTraining trainer = new SparkDetectorTraining(spec, train.pipeline(), train.batchSize(),
                train.averagingFrequency(), train.prefetch(), train.seed());
        SparkComputationGraph sparkNet = trainer.sparkNet(spark, model.net(), workers, average);
        EpochEnd end = new EpochEnd("training", EpochEnd.probe(encoded, train.pipeline(), spec), log, checkpoints, curves);
        long images = encoded.count();
        for (int epoch = startEpoch; epoch < train.epochs(); epoch++) {
            long start = System.nanoTime();
            trainer.fitEpoch(spark, sparkNet, EpochOrder.shuffled(encoded, train.seed(), epoch, workers), epoch, train.epochs());
            double seconds = (System.nanoTime() - start) / 1e9;
            model = end.finish(sparkNet.getNetwork(), sparkNet.getScore(), model, epoch + 1, (epoch + 1) * perEpoch, images / seconds,
                    average);
        }
        return model;
    }
}

package org.detsearch.search;

import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.detsearch.coco.CocoCategory;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.Manifest;
import org.detsearch.data.ShardReader;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.nats.Genotype;
import org.detsearch.nats.GenotypeDecoder;
import org.detsearch.nats.SupernetDetectorSpec;
import org.detsearch.train.CheckpointStore;
import org.detsearch.train.EpochEnd;
import org.detsearch.train.EpochOrder;
import org.detsearch.train.LossCurves;
import org.detsearch.train.RunFolder;
import org.detsearch.train.SparkDetectorTraining;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainingLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code detsearch search}: the NATS search (PAPERS 1.5) on Spark. The supernet detector trains data-parallel with
 * DL4J's parameter averaging: weight steps on split A, architecture steps on split B, alpha frozen for the first
 * epochs; every epoch the executors decode, augment and batch the images the driver's {@link SearchPlan} gives
 * them, in the order the bi-level schedule needs. After each epoch the run folder (any Hadoop path) receives the
 * checkpoint (parameters, updater states with alpha's Adam moments, epoch and iteration; the data order of an epoch
 * follows from the seed and the epoch alone), {@code alpha/epoch-N.json} (the decoded genotype with every layer's
 * softmax(alpha)), {@code history.csv} and {@code loss-curve.png}; at the end {@code genotype.json}. Started again on
 * a folder holding a checkpoint, it resumes after the last finished epoch.
 */
public final class SearchJob {
    private static final Logger LOG = LoggerFactory.getLogger(SearchJob.class);
    public static final String GENOTYPE = "genotype.json";
    public static final String ALPHA_DIR = "alpha";
    public static final String RESOLVED_CONF = "resolved.conf";

    /** A finished search: where its genotype is, and its epochs and iterations. */
    public record Result(Path runDir, Path genotype, Genotype decoded, int epochs, int iterations, int resumedFromEpoch) {
    }

    /** What a search reads besides its settings: the detector, the data and where everything goes. */
    public record Inputs(RetinaNetSpec detector, String data, String archData, String output, boolean overwrite,
                         String pretrained, String resolvedConfig) {
    }

    private final SparkSession spark;
    private final HadoopFiles files;

    public SearchJob(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    public Result run(SearchSettings settings, Inputs inputs) throws IOException {
        Path runDir = files.qualify(inputs.output());
        ShardReader reader = new ShardReader(spark);
        List<CocoCategory> categories = categories(reader.manifest(inputs.data()));
        int workers = settings.workers() > 0 ? settings.workers() : spark.sparkContext().defaultParallelism();
        JavaRDD<LoadedImage> trainImages = reader.encoded(inputs.data(), workers).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<LoadedImage> imagesA;
        JavaRDD<LoadedImage> imagesB;
        if (inputs.archData().isBlank()) {
            double fraction = settings.archFraction();
            long seed = settings.seed();
            imagesA = trainImages.filter(image -> !inSplitB(seed, image.annotations().imageId(), fraction));
            imagesB = trainImages.filter(image -> inSplitB(seed, image.annotations().imageId(), fraction));
        } else {
            if (!categories(reader.manifest(inputs.archData())).equals(categories)) {
                throw new ConfigValidationException("search.arch-data " + inputs.archData()
                        + " has other categories than search.data " + inputs.data() + ": both splits must share them", null);
            }
            imagesA = trainImages;
            imagesB = reader.encoded(inputs.archData(), workers).persist(StorageLevel.MEMORY_AND_DISK());
        }
        JavaPairRDD<Long, LoadedImage> splitA = byId(imagesA, workers);
        JavaPairRDD<Long, LoadedImage> splitB = byId(imagesB, workers);
        try {
            long[] idsA = splitA.keys().collect().stream().mapToLong(Long::longValue).toArray();
            long[] idsB = splitB.keys().collect().stream().mapToLong(Long::longValue).toArray();
            int weightSteps = validated(() -> SearchPlan.weightSteps(idsA.length, workers, settings.batchSize(),
                    settings.averagingFrequency()));
            SupernetDetectorSpec spec = validated(() -> new SupernetDetectorSpec(inputs.detector(), settings.space(),
                    settings.optimisation(), weightSteps, workers * settings.batchSize()));
            LOG.info("search: {} images in split A (weight steps), {} in split B (architecture steps); {} workers x {} images, "
                            + "averaging every {} minibatches; {} weight steps per epoch, {} epochs ({} with alpha frozen)",
                    idsA.length, idsB.length, workers, settings.batchSize(), settings.averagingFrequency(), weightSteps,
                    settings.optimisation().epochs(), settings.optimisation().frozenEpochs());
            return search(settings, inputs, spec, categories, runDir, workers, splitA, splitB, idsA, idsB);
        } finally {
            splitA.unpersist(false);
            splitB.unpersist(false);
            trainImages.unpersist(false);
            imagesB.unpersist(false);
        }
    }

    private Result search(SearchSettings settings, Inputs inputs, SupernetDetectorSpec spec, List<CocoCategory> categories,
                          Path runDir, int workers, JavaPairRDD<Long, LoadedImage> splitA, JavaPairRDD<Long, LoadedImage> splitB,
                          long[] idsA, long[] idsB) throws IOException {
        CheckpointStore checkpoints = new CheckpointStore(files, runDir);
        Optional<CheckpointStore.Checkpoint> checkpoint = RunFolder.claimOrResume(files, runDir, checkpoints, spec,
                inputs.overwrite(), GENOTYPE);
        files.writeAtomically(new Path(runDir, RESOLVED_CONF), inputs.resolvedConfig().getBytes(StandardCharsets.UTF_8));
        DetectorModel model = checkpoint.isPresent() ? checkpoint.get().model() : fresh(spec, settings, categories, inputs.pretrained());
        int startEpoch = checkpoint.map(CheckpointStore.Checkpoint::epoch).orElse(0);
        int startIteration = checkpoint.map(CheckpointStore.Checkpoint::iteration).orElse(0);
        int epochs = settings.optimisation().epochs();
        if (checkpoint.isPresent()) {
            LOG.info("search: resuming {} after epoch {}, iteration {}", runDir, startEpoch, startIteration);
        }
        TrainingLog log = new TrainingLog(files, runDir, startIteration, spec.totalIterations(), epochs, "search");
        EpochEnd end = new EpochEnd("the search", EpochEnd.probe(splitA.values(), settings.pipeline(), spec), log, checkpoints,
                new LossCurves(files, runDir));
        SparkDetectorTraining trainer = new SparkDetectorTraining(spec, settings.pipeline(), settings.batchSize(),
                settings.averagingFrequency(), settings.prefetch(), settings.seed());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int iteration = startIteration;
        for (int epoch = startEpoch; epoch < epochs; epoch++) {
            int e = epoch;
            long seed = settings.seed();
            SearchPlan plan = SearchPlan.of(idsA, idsB, id -> EpochOrder.key(seed, e, id), id -> EpochOrder.key(~seed, e, id),
                    workers, settings.batchSize(), settings.averagingFrequency(), spec.weightStepsPerEpoch(),
                    epoch < settings.optimisation().frozenEpochs());
            long start = System.nanoTime();
            // a master per epoch, seeded alike: a resumed run draws its rounds as an uninterrupted one would
            SparkComputationGraph sparkNet = trainer.sparkNet(spark, model.net(), workers);
            trainer.fitEpoch(spark, sparkNet, PlannedImages.ordered(jsc, plan, splitA, splitB), epoch, epochs);
            double seconds = (System.nanoTime() - start) / 1e9;
            iteration += plan.iterations();
            model = end.finish(sparkNet.getNetwork(), sparkNet.getScore(), model, epoch + 1, iteration,
                    (double) plan.iterations() * workers * settings.batchSize() / seconds);
            Genotype alpha = GenotypeDecoder.decode(model.net(), spec.featureExtractor());
            files.writeAtomically(new Path(runDir, ALPHA_DIR + "/epoch-" + (epoch + 1) + ".json"),
                    alpha.toJson().getBytes(StandardCharsets.UTF_8));
        }
        Genotype genotype = GenotypeDecoder.decode(model.net(), spec.featureExtractor());
        Path genotypeFile = new Path(runDir, GENOTYPE);
        files.writeAtomically(genotypeFile, genotype.toJson().getBytes(StandardCharsets.UTF_8));
        LOG.info("search: genotype written to {}", genotypeFile);
        return new Result(runDir, genotypeFile, genotype, epochs, iteration, startEpoch);
    }

    private DetectorModel fresh(SupernetDetectorSpec spec, SearchSettings settings, List<CocoCategory> categories,
                                String pretrained) throws IOException {
        ComputationGraph net = new ComputationGraph(spec.graph(spec.trainingSettings(settings.gradientClip(), settings.seed())));
        net.init();
        TrainJob.loadPretrained(files, net, spec, pretrained, "search");
        return new DetectorModel(net, spec, categories);
    }

    private static List<CocoCategory> categories(Manifest manifest) {
        return manifest.categories().stream().sorted(Comparator.comparingInt(Manifest.Category::id))
                .map(c -> new CocoCategory(c.id(), c.name(), c.supercategory())).toList();
    }

    /** Images keyed by id, hash-partitioned once and kept: each epoch's plan joins them without moving them. */
    private static JavaPairRDD<Long, LoadedImage> byId(JavaRDD<LoadedImage> images, int partitions) {
        return images.mapToPair(image -> new Tuple2<>(image.annotations().imageId(), image))
                .partitionBy(new HashPartitioner(Math.max(1, partitions))).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** Split B membership of an image: a hash of (seed, id), so the same images every run. */
    static boolean inSplitB(long seed, long imageId, double fraction) {
        long key = EpochOrder.key(seed, -1, imageId) >>> 11; // 53 uniform bits
        return key * 0x1.0p-53 < fraction;
    }

    private static <T> T validated(java.util.function.Supplier<T> build) {
        return org.detsearch.config.ConfigView.validated("search", build);
    }
}

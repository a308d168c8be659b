package org.detsearch.train;

import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import com.typesafe.config.Config;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.common.SplitPartitionsFunction;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoValidator;
import org.detsearch.coco.ValidatedDataset;
import org.detsearch.coco.ValidationPolicy;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.config.ConfigLoader;
import org.detsearch.data.PrepareJob;
import org.detsearch.data.PrepareSpec;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.ShardReader;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.image.PreparedImage;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorSpec;
import org.detsearch.spark.SparkSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Random;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector trained data-parallel by DL4J parameter averaging, from prepared shards, on local Spark; and the
 * same training in one Spark worker and in the single-JVM loop giving the same model.
 */
class SparkDetectorTrainingTest {
    private static final DetectorSpec SPEC = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0),
            16, 1, 0, AnchorSpec.EFFICIENTDET, 6, 128);
    private SparkSession spark;

    @AfterEach
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private void start(String master) {
        Config conf = ConfigLoader.load(null, Map.of("spark-runtime.master", master,
                "spark-runtime.conf.\"spark.ui.enabled\"", "false"));
        spark = SparkSessions.create(conf, "SparkDetectorTrainingTest");
    }

    /** 8 synthetic 128 px images, prepared into shards. */
    private String dataset(Path tmp) throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        new SyntheticDatasetGenerator(files).generate(new SyntheticDatasetSpec(tmp.resolve("synthetic").toString(), 5, 8, 1,
                128, 1, 3, 0.0, 90), false);
        CocoInstances raw = CocoJsonReader.readInstances(files, files.qualify(tmp.resolve("synthetic/train/instances.json").toString()));
        ValidatedDataset validated = new CocoValidator(ValidationPolicy.DEFAULT).validate(raw);
        String out = tmp.resolve("shards").toString();
        new PrepareJob(spark).run(new PrepareSpec("x", tmp.resolve("synthetic/train/images").toString(), out, 1 << 20, 0, 90, false),
                validated, "");
        return out;
    }

    /** A tiny EfficientDet: EfficientNet at width 0.25 with one block per stage, a 16-channel BiFPN cell, 1 head repeat. */
    private static final DetectorSpec EFFICIENTDET = new org.detsearch.model.EfficientDetSpec("tiny",
            new org.detsearch.backbone.EfficientNetSpec("tiny", 0.25, 0.1, 128, 0, 0, org.detsearch.backbone.MBConvStage.B0, 0),
            16, 1, 1, org.detsearch.neck.FusionMethod.FAST_ATTENTION, AnchorSpec.EFFICIENTDET, 6, 128);

    static java.util.stream.Stream<DetectorSpec> architectures() {
        return java.util.stream.Stream.of(SPEC, EFFICIENTDET);
    }

    private static ComputationGraph net(IUpdater updater) {
        return net(SPEC, updater);
    }

    private static ComputationGraph net(DetectorSpec spec, IUpdater updater) {
        ComputationGraph net = new ComputationGraph(spec.graph(new TrainingSettings(updater, 4e-5, 10.0, 42)));
        net.init();
        return net;
    }

    private static double loss(ComputationGraph net, List<DecodedSample> samples) {
        ImagePipeline pipeline = new ImagePipeline(PipelineSpec.efficientDet(128));
        List<PreparedImage> images = samples.stream().map(pipeline::forEvaluation).toList();
        MultiDataSet batch = new DetectionBatches(new TargetEncoder(new AnchorGrid(SPEC.anchors(), 128, 128), 6)).batch(images);
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        return net.score();
    }

    @Test
    void twoWorkersAveragingParametersLearnTheShapes(@TempDir Path tmp) throws Exception {
        start("local[2]");
        String dataset = dataset(tmp);
        ShardReader reader = new ShardReader(spark);
        JavaRDD<LoadedImage> images = reader.encoded(dataset, 2).cache();
        List<DecodedSample> all = new ArrayList<>(reader.samples(dataset, 1).collect());
        ComputationGraph initial = net(new Adam(3e-3));
        double before = loss(initial.clone(), all);
        // mild jitter: a few averaged steps must show learning; the reference's 0.1-2.0 needs far more
        SparkDetectorTraining training = new SparkDetectorTraining(SPEC, new PipelineSpec(128, 0.9, 1.1, true), 2, 1, 2, 7);
        SparkComputationGraph sparkNet = training.sparkNet(spark, initial, 2);
        for (int epoch = 0; epoch < 10; epoch++) {
            training.fitEpoch(spark, sparkNet, EpochOrder.shuffled(images, 7, epoch, 2), epoch, 10);
        }
        double after = loss(sparkNet.getNetwork(), all);
        // 20 averaged steps: measured 0.80-0.91 of the initial loss over several runs (worker threads make it vary)
        assertTrue(Double.isFinite(after) && after < 0.95 * before, "loss " + before + " -> " + after);
    }

    /**
     * One Spark worker averaging after every minibatch computes exactly what the single-JVM loop computes on the
     * same minibatches in the same order, for each architecture (EfficientDet's per-level batch norms and fusion
     * weights included). DL4J's master walks an epoch in random splits (one minibatch each here); the order comes
     * from its own split function and its seeded generator, as the master draws them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("architectures")
    void oneSparkWorkerAveragingEveryMinibatchMatchesTheSingleJvmLoop(DetectorSpec spec, @TempDir Path tmp) throws Exception {
        start("local[1]");
        String dataset = dataset(tmp);
        JavaRDD<LoadedImage> images = new ShardReader(spark).encoded(dataset, 1).cache();
        long seed = 11;
        int epochs = 2;
        SparkDetectorTraining training = new SparkDetectorTraining(spec, new PipelineSpec(128, 0.5, 1.5, true), 2, 1, 0, seed);
        // a schedule that moves every iteration: a worker that lost the iteration count would take other steps
        IUpdater updater = new Adam(new WarmupCosineSchedule(3e-3, 3e-4, 2, 8));
        ComputationGraph single = net(spec, updater);
        SparkComputationGraph sparkNet = training.sparkNet(spark, net(spec, updater), 1);
        Random masterRandom = new Random(seed);
        for (int epoch = 0; epoch < epochs; epoch++) {
            JavaRDD<LoadedImage> ordered = EpochOrder.shuffled(images, seed, epoch, 1);
            List<MultiDataSet> batches = training.minibatches(ordered, epoch).collect();
            for (int index : dl4jOrder(batches.size(), masterRandom.nextLong())) {
                single.fit(batches.get(index));
            }
            training.fitEpoch(spark, sparkNet, ordered, epoch, epochs);
        }
        double difference = single.params().sub(sparkNet.getNetwork().params()).amaxNumber().doubleValue();
        // measured: identical losses at every iteration, parameters equal to float rounding
        assertTrue(difference < 1e-5, "parameters differ by up to " + difference);
        double moved = single.params().sub(net(spec, updater).params()).amaxNumber().doubleValue();
        assertTrue(moved > 1e-3, "training changed the parameters (by up to " + moved + ")");
    }

    /** The order DL4J's master fits {@code count} minibatches of one partition in splits of one minibatch each. */
    private static List<Integer> dl4jOrder(int count, long splitSeed) throws Exception {
        if (count == 1) {
            return List.of(0);
        }
        List<Integer> order = new ArrayList<>();
        for (int split = 0; split < count; split++) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                all.add(i);
            }
            Iterator<Integer> chosen = new SplitPartitionsFunction<Integer>(split, count, splitSeed).call(0, all.iterator());
            chosen.forEachRemaining(order::add);
        }
        return order;
    }
}

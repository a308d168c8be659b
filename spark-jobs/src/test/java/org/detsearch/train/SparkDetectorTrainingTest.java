package org.detsearch.train;

import com.typesafe.config.Config;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
import org.detsearch.model.RetinaNetBuilder;
import org.detsearch.spark.SparkSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detector trained data-parallel by DL4J parameter averaging, from prepared shards, on local Spark. */
class SparkDetectorTrainingTest {
    private static final DetectorSpec SPEC = new DetectorSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0),
            16, 1, AnchorSpec.EFFICIENTDET, 6, 128);
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

    private static ComputationGraph net(IUpdater updater) {
        ComputationGraph net = new ComputationGraph(RetinaNetBuilder.build(SPEC, updater, 4e-5, 10.0, 42));
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
        JavaRDD<DecodedSample> samples = new ShardReader(spark).samples(dataset, 2).cache();
        List<DecodedSample> all = new ArrayList<>(samples.collect());
        ComputationGraph initial = net(new Adam(3e-3));
        double before = loss(initial.clone(), all);
        // mild jitter: a few averaged steps must show learning; the reference's 0.1-2.0 needs far more
        PipelineSpec mild = new PipelineSpec(128, 0.9, 1.1, true);
        ComputationGraph trained = new SparkDetectorTraining(SPEC, mild, 2, 1, 2, 7).train(spark, initial, samples, 10);
        double after = loss(trained, all);
        // 20 averaged steps: measured 0.80-0.91 of the initial loss over several runs (worker threads make it vary)
        assertTrue(Double.isFinite(after) && after < 0.95 * before, "loss " + before + " -> " + after);
    }
}

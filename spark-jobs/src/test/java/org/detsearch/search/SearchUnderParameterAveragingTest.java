package org.detsearch.search;

import com.typesafe.config.Config;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.config.ConfigLoader;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.image.PreparedImage;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.nats.ChannelGrouping;
import org.detsearch.nats.DilationSearchConvolution;
import org.detsearch.nats.KernelSharing;
import org.detsearch.nats.SearchOptimisation;
import org.detsearch.nats.SearchSpace;
import org.detsearch.nats.SupernetDetectorSpec;
import org.detsearch.spark.SparkSessions;
import org.detsearch.train.DetectionBatches;
import org.detsearch.train.SparkDetectorTraining;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bi-level search under DL4J's ParameterAveragingTrainingMaster, as the search job runs it: two workers on
 * local[2] each fit a weight step (split A) then an architecture step (split B) in one averaging round. The driver's
 * result is exactly the mean of what each worker computes alone, parameters and updater states (alpha's Adam moments
 * included); and in each worker the weight step leaves alpha as it was and the architecture step leaves every other
 * parameter as it was. (The single-JVM tests in model-core show the moments see only architecture-step gradients.)
 */
class SearchUnderParameterAveragingTest {
    private static final RetinaNetSpec DETECTOR = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0),
            8, 1, 0, AnchorSpec.EFFICIENTDET, 6, 128);
    private static final SearchSpace SPACE = new SearchSpace(SearchSpace.parse("1", "2"), SearchSpace.parse("1", "2"),
            SearchSpace.parse("1", "3"), ChannelGrouping.groups(4), KernelSharing.COPIED);
    /** alpha searched from the first step: no frozen epoch. */
    private static final SupernetDetectorSpec SPEC = new SupernetDetectorSpec(DETECTOR, SPACE,
            new SearchOptimisation(0.005, 0.0005, 0.9, 1e-4, 0.05, 0.5, 0.999, 1e-5, 1, 0), 1, 4);

    private SparkSession spark;

    @AfterEach
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static List<MultiDataSet> minibatches(Path tmp) throws Exception {
        HadoopFiles files = new HadoopFiles(new org.apache.hadoop.conf.Configuration());
        new SyntheticDatasetGenerator(files).generate(new SyntheticDatasetSpec(tmp.resolve("data").toString(), 9, 8, 1, 128,
                1, 3, 0.0, 90), false);
        CocoInstances raw = CocoJsonReader.readInstances(files, files.qualify(tmp.resolve("data/train/instances.json").toString()));
        CocoDataset dataset = new CocoDataset(raw.images(), raw.annotations(), raw.categories());
        ImagePipeline pipeline = new ImagePipeline(PipelineSpec.efficientDet(128));
        List<PreparedImage> images = new ArrayList<>();
        for (CocoImage image : dataset.images()) {
            byte[] bytes = Files.readAllBytes(tmp.resolve("data/train/images").resolve(image.fileName()));
            images.add(pipeline.forEvaluation(DecodedSample.of(ImageAnnotations.of(image, dataset.annotationsOf(image.id()),
                    dataset.labelMap()), ImageCodec.decode(bytes))));
        }
        DetectionBatches batches = new DetectionBatches(new TargetEncoder(new AnchorGrid(DETECTOR.anchors(), 128, 128), 6));
        List<MultiDataSet> out = new ArrayList<>();
        for (int i = 0; i < 8; i += 2) {
            out.add(batches.batch(images.subList(i, i + 2)));
        }
        return out; // worker 0: A0, B0; worker 1: A1, B1
    }

    private static Map<String, INDArray> copy(ComputationGraph net) {
        Map<String, INDArray> params = new java.util.LinkedHashMap<>();
        net.paramTable().forEach((k, v) -> params.put(k, v.dup()));
        return params;
    }

    private static boolean isAlpha(String param) {
        return param.endsWith("_" + DilationSearchConvolution.ALPHA_KEY);
    }

    @Test
    void aRoundOfWeightThenArchitectureStepsAveragesToTheMeanOfTheWorkers(@TempDir Path tmp) throws Exception {
        List<MultiDataSet> batches = minibatches(tmp);
        ComputationGraph initial = new ComputationGraph(SPEC.graph(SPEC.trainingSettings(10, 3)));
        initial.init();
        Map<String, INDArray> start = copy(initial);

        List<INDArray> params = new ArrayList<>();
        List<INDArray> states = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            ComputationGraph worker = initial.clone();
            worker.fit(batches.get(2 * w)); // iteration 0: a weight step on split A
            Map<String, INDArray> afterWeights = copy(worker);
            worker.fit(batches.get(2 * w + 1)); // iteration 1: an architecture step on split B
            for (Map.Entry<String, INDArray> p : worker.paramTable().entrySet()) {
                if (isAlpha(p.getKey())) {
                    assertEquals(start.get(p.getKey()), afterWeights.get(p.getKey()), "the weight step left " + p.getKey());
                    assertTrue(!afterWeights.get(p.getKey()).equals(p.getValue()), "the architecture step moved " + p.getKey());
                } else {
                    assertEquals(afterWeights.get(p.getKey()), p.getValue(), "the architecture step left " + p.getKey());
                }
            }
            params.add(worker.params().dup());
            states.add(worker.getUpdater().getStateViewArray().dup());
        }

        Config conf = ConfigLoader.load(null, Map.of("spark-runtime.master", "local[2]", "spark-runtime.conf.\"spark.ui.enabled\"", "false"));
        spark = SparkSessions.create(conf, "SearchUnderParameterAveragingTest");
        // one partition per worker in the plan's order; 4 minibatches = one round of 2 per worker: no random split
        JavaRDD<MultiDataSet> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(batches, 2);
        SparkDetectorTraining trainer = new SparkDetectorTraining(SPEC, PipelineSpec.efficientDet(128), 2, 2, 0, 3);
        SparkComputationGraph sparkNet = trainer.sparkNet(spark, initial.clone(), 2);
        sparkNet.fitMultiDataSet(rdd);

        INDArray meanParams = params.get(0).add(params.get(1)).divi(2);
        INDArray meanState = states.get(0).add(states.get(1)).divi(2);
        double paramDifference = sparkNet.getNetwork().params().sub(meanParams).amaxNumber().doubleValue();
        double stateDifference = sparkNet.getNetwork().getUpdater().getStateViewArray().sub(meanState).amaxNumber().doubleValue();
        assertTrue(paramDifference < 1e-6, "parameters (alpha included) off the workers' mean by " + paramDifference);
        assertTrue(stateDifference < 1e-6, "updater states (alpha's Adam moments included) off the mean by " + stateDifference);
        double workersDiffer = params.get(0).sub(params.get(1)).amaxNumber().doubleValue();
        assertTrue(workersDiffer > 1e-4, "the two workers saw different data: " + workersDiffer);
    }
}

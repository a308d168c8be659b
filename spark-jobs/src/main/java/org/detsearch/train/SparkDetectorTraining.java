package org.detsearch.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.model.DetectorSpec;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Data-parallel training of the detector with DL4J's parameter averaging: every epoch, executors turn their
 * share of the decoded samples into minibatches (augmentation and targets are built where the images are), each
 * worker fits its copy, and the driver averages parameters and updater state every {@code averagingFrequency}
 * minibatches.
 *
 * @param pipeline           augmentation (the reference's: {@code PipelineSpec.efficientDet(size)})
 * @param batchSizePerWorker images per minibatch on each worker
 */
public record SparkDetectorTraining(DetectorSpec spec, PipelineSpec pipeline, int batchSizePerWorker,
                                    int averagingFrequency, int prefetch, long seed) {

    public ParameterAveragingTrainingMaster trainingMaster() {
        return new ParameterAveragingTrainingMaster.Builder(batchSizePerWorker)
                .batchSizePerWorker(batchSizePerWorker)
                .averagingFrequency(averagingFrequency)
                .workerPrefetchNumBatches(prefetch)
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                // the reader already spread the samples evenly; no second shuffle of large minibatches
                .repartionData(Repartition.Never)
                .rngSeed(seed)
                .build();
    }

    /** Minibatches of one epoch, built on the executors that hold the samples. */
    public JavaRDD<MultiDataSet> minibatches(JavaRDD<DecodedSample> samples, int epoch) {
        DetectorSpec detector = spec;
        PipelineSpec augmentation = pipeline;
        int batch = batchSizePerWorker;
        long rngSeed = seed;
        return samples.mapPartitions(partition -> {
            ImagePipeline images = new ImagePipeline(augmentation);
            TargetEncoder encoder = new TargetEncoder(new AnchorGrid(detector.anchors(), detector.imageSize(),
                    detector.imageSize()), detector.numClasses());
            return new TrainingBatches(partition, images, encoder, batch, rngSeed, epoch);
        });
    }

    /** Trains {@code epochs} epochs starting from {@code initial}'s parameters; returns the averaged model. */
    public ComputationGraph train(SparkSession spark, ComputationGraph initial, JavaRDD<DecodedSample> samples, int epochs) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, initial, trainingMaster());
        for (int epoch = 0; epoch < epochs; epoch++) {
            spark.sparkContext().setJobDescription("train: epoch " + (epoch + 1) + " of " + epochs);
            sparkNet.fitMultiDataSet(minibatches(samples, epoch));
        }
        spark.sparkContext().setJobDescription(null);
        return sparkNet.getNetwork();
    }

}

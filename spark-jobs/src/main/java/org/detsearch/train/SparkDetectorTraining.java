package org.detsearch.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.detsearch.data.LoadedImage;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.model.DetectorSpec;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Iterator;

/**
 * Data-parallel training of the detector with DL4J's parameter averaging: every epoch, executors decode their
 * share of the (epoch-ordered) images and turn it into minibatches (augmentation and targets are built where the
 * images are), each worker fits its copy, and the driver averages parameters and updater state every
 * {@code averagingFrequency} minibatches.
 *
 * @param pipeline           augmentation (the reference's: {@code PipelineSpec.efficientDet(size)})
 * @param batchSizePerWorker images per minibatch on each worker
 */
public record SparkDetectorTraining(DetectorSpec spec, PipelineSpec pipeline, int batchSizePerWorker,
                                    int averagingFrequency, int prefetch, long seed) {

    /** DL4J's master (with workers that keep the iteration count: {@link IterationKeepingTrainingMaster}). */
    public ParameterAveragingTrainingMaster trainingMaster(int workers) {
        return trainingMaster(workers, null);
    }

    /** @param average the moving average of the weights to update after every round, or null */
    ParameterAveragingTrainingMaster trainingMaster(int workers, WeightAverage average) {
        IterationKeepingTrainingMaster.RoundListener listener = average == null ? null : new IterationKeepingTrainingMaster.RoundListener() {
            private long done = -1;

            @Override
            public void averaged(ComputationGraph net) {
                long now = net.getConfiguration().getIterationCount();
                average.update(net.params(), done < 0 ? now - averagingFrequency : done, now);
                done = now;
            }
        };
        return new IterationKeepingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(workers, batchSizePerWorker)
                .batchSizePerWorker(batchSizePerWorker)
                .averagingFrequency(averagingFrequency)
                .workerPrefetchNumBatches(prefetch)
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                // one partition per worker already, in the epoch's order: no second shuffle of large minibatches
                .repartionData(Repartition.Never)
                // minibatches are built once per epoch and kept (serialised) while DL4J walks its splits over them
                .storageLevel(StorageLevel.MEMORY_AND_DISK_SER())
                .rngSeed(seed), listener);
    }

    public SparkComputationGraph sparkNet(SparkSession spark, ComputationGraph initial, int workers) {
        return sparkNet(spark, initial, workers, null);
    }

    /** @param average the moving average of the weights to update after every averaging round, or null */
    public SparkComputationGraph sparkNet(SparkSession spark, ComputationGraph initial, int workers, WeightAverage average) {
        return new SparkComputationGraph(JavaSparkContext.fromSparkContext(spark.sparkContext()), initial,
                trainingMaster(workers, average));
    }

    /** Minibatches of one epoch, built on the executors that hold the images. */
    public JavaRDD<MultiDataSet> minibatches(JavaRDD<LoadedImage> ordered, int epoch) {
        DetectorSpec detector = spec;
        PipelineSpec augmentation = pipeline;
        int batch = batchSizePerWorker;
        long rngSeed = seed;
        return ordered.mapPartitions(partition -> {
            ImagePipeline images = new ImagePipeline(augmentation);
            TargetEncoder encoder = new TargetEncoder(new AnchorGrid(detector.anchors(), detector.imageSize(),
                    detector.imageSize()), detector.numClasses());
            return new TrainingBatches(decoded(partition), images, encoder, batch, rngSeed, epoch);
        });
    }

    /** Fits one epoch of minibatches; they are dropped from executor memory afterwards. */
    public void fitEpoch(SparkSession spark, SparkComputationGraph sparkNet, JavaRDD<LoadedImage> ordered, int epoch, int epochs) {
        spark.sparkContext().setJobDescription("train: epoch " + (epoch + 1) + " of " + epochs);
        JavaRDD<MultiDataSet> batches = minibatches(ordered, epoch);
        try {
            sparkNet.fitMultiDataSet(batches);
        } finally {
            batches.unpersist(false);
            spark.sparkContext().setJobDescription(null);
        }
    }

    public static Iterator<DecodedSample> decoded(Iterator<LoadedImage> images) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return images.hasNext();
            }

            @Override
            public DecodedSample next() {
                LoadedImage image = images.next();
                try {
                    return DecodedSample.of(image.annotations(), ImageCodec.decode(image.encoded()));
                } catch (org.detsearch.image.CorruptImageException e) {
                    // prepare decoded every image once; one failing now is a changed or damaged shard
                    throw new IllegalStateException("image " + image.annotations().imageId() + " no longer decodes: " + e.getMessage(), e);
                }
            }
        };
    }
}

package org.detsearch.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.detsearch.data.LoadedImage;
import org.detsearch.model.DetectorModel;

/**
 * Times epochs of the two ways {@link TrainJob} fits a detector, without its logging, checkpoints and model files:
 * the single-JVM loop (its minibatches, {@link LocalBatches}: the images stream to the driver and are decoded,
 * augmented and batched there, then fitted) and the data-parallel one ({@link SparkDetectorTraining}'s epochs on the
 * executors, parameters averaged by DL4J). What {@code bench spark} compares.
 */
public final class EpochTimer {
    private final SparkSession spark;

    public EpochTimer(SparkSession spark) {
        this.spark = spark;
    }

    /** Seconds of each of {@code epochs} epochs of the single-JVM loop over {@code images}. */
    public double[] singleJvm(DetectorModel model, TrainSpec train, JavaRDD<LoadedImage> images, long count, int epochs) {
        int perEpoch = (int) Math.ceil((double) count / train.batchSize());
        LocalBatches batches = new LocalBatches(images, train, model.spec(), perEpoch);
        double[] seconds = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            for (int i = epoch * perEpoch; i < (epoch + 1) * perEpoch; i++) {
                model.net().fit(batches.apply(i));
            }
            seconds[epoch] = (System.nanoTime() - start) / 1e9;
        }
        return seconds;
    }

    /** Seconds of each of {@code epochs} data-parallel epochs of {@code workers} workers over {@code images}. */
    public double[] dataParallel(DetectorModel model, TrainSpec train, JavaRDD<LoadedImage> images, int workers, int epochs) {
        SparkDetectorTraining training = new SparkDetectorTraining(model.spec(), train.pipeline(), train.batchSize(),
                train.averagingFrequency(), train.prefetch(), train.seed());
        SparkComputationGraph sparkNet = training.sparkNet(spark, model.net(), workers);
        double[] seconds = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            training.fitEpoch(spark, sparkNet, EpochOrder.shuffled(images, train.seed(), epoch, workers), epoch, epochs);
            seconds[epoch] = (System.nanoTime() - start) / 1e9;
        }
        return seconds;
    }
}

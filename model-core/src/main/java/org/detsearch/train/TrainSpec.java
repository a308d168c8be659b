package org.detsearch.train;

import org.detsearch.config.ConfigView;
import org.detsearch.image.PipelineSpec;

/**
 * How a detector is trained, the {@code train} config section apart from paths and the model: one config for
 * both the single-JVM loop and Spark.
 *
 * @param mode               LOCAL: one JVM fits every minibatch; SPARK: workers fit their own minibatches and
 *                           DL4J's ParameterAveragingTrainingMaster averages them
 * @param batchSize          images per minibatch (per worker on Spark)
 * @param checkpointEvery    iterations between checkpoints in the single-JVM loop (Spark checkpoints every epoch)
 * @param averagingFrequency minibatches each worker fits between two averagings (Spark)
 * @param prefetch           minibatches each worker prepares ahead (Spark)
 * @param workers            Spark tasks training at once; 0 = the cluster's default parallelism
 */
public record TrainSpec(Mode mode, int epochs, int batchSize, long seed, int checkpointEvery, PipelineSpec pipeline,
                        OptimizerSpec optimizer, int averagingFrequency, int prefetch, int workers)
        implements java.io.Serializable {
    public enum Mode { LOCAL, SPARK }

    public TrainSpec {
        if (epochs < 1 || batchSize < 1 || checkpointEvery < 1 || averagingFrequency < 1 || prefetch < 0 || workers < 0) {
            throw new IllegalArgumentException("need epochs, batch size, checkpoint interval and averaging frequency >= 1, "
                    + "prefetch and workers >= 0");
        }
    }

    /** The {@code augmentation} section (jitter-min, jitter-max, flip) for a network input of {@code imageSize}. */
    public static PipelineSpec pipeline(ConfigView augment, int imageSize) {
        return ConfigView.validated(augment.section(), () -> new PipelineSpec(imageSize,
                augment.doubleIn("jitter-min", 0.01, 10), augment.doubleIn("jitter-max", 0.01, 10), augment.bool("flip")));
    }

    /** The same training with the augmentation producing inputs of {@code imageSize} (the detector's). */
    public TrainSpec withImageSize(int imageSize) {
        PipelineSpec resized = new PipelineSpec(imageSize, pipeline.jitterMin(), pipeline.jitterMax(), pipeline.flip());
        return new TrainSpec(mode, epochs, batchSize, seed, checkpointEvery, resized, optimizer, averagingFrequency, prefetch, workers);
    }

    /** Reads {@code train} (without its {@code model} and path keys); the input size is the model's. */
    public static TrainSpec fromConfig(ConfigView c, int imageSize) {
        PipelineSpec pipeline = pipeline(c.sub("augmentation"), imageSize);
        ConfigView spark = c.sub("spark");
        return new TrainSpec(c.enumValue("mode", Mode.class), c.intIn("epochs", 1, 1_000_000), c.intIn("batch-size", 1, 65536),
                c.longIn("seed", Long.MIN_VALUE, Long.MAX_VALUE), c.intIn("checkpoint-every", 1, Integer.MAX_VALUE), pipeline,
                OptimizerSpec.fromConfig(c.sub("optimizer")), spark.intIn("averaging-frequency", 1, 1_000_000),
                spark.intIn("prefetch", 0, 1000), spark.intIn("workers", 0, 100_000));
    }
}

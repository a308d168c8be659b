package org.detsearch.search;

import org.detsearch.config.ConfigView;
import org.detsearch.image.PipelineSpec;
import org.detsearch.nats.SearchOptimisation;
import org.detsearch.nats.SearchSpace;

/**
 * The {@code search} config section apart from paths and the detector: how the NATS supernet is searched.
 *
 * @param archFraction       share of the training images that form split B when no separate {@code arch-data} is
 *                           given (chosen by a hash of the image id, the same in every run)
 * @param batchSize          images per minibatch on each worker
 * @param averagingFrequency minibatches each worker fits between two parameter averagings (even: weight and
 *                           architecture steps alternate inside a round)
 * @param workers            Spark tasks training at once; 0 = the cluster's default parallelism
 */
public record SearchSettings(SearchSpace space, SearchOptimisation optimisation, double gradientClip, PipelineSpec pipeline,
                             double archFraction, int batchSize, long seed, int averagingFrequency, int prefetch, int workers)
        implements java.io.Serializable {
    public SearchSettings {
        if (!(archFraction > 0 && archFraction < 1) || batchSize < 1 || averagingFrequency < 2 || averagingFrequency % 2 != 0
                || prefetch < 0 || workers < 0 || !(gradientClip > 0)) {
            throw new IllegalArgumentException("need 0 < arch-fraction < 1, batch size >= 1, an even averaging frequency >= 2, "
                    + "prefetch and workers >= 0, a positive gradient clip");
        }
    }

    public static SearchSettings fromConfig(ConfigView c, int imageSize) {
        ConfigView augment = c.sub("augmentation");
        PipelineSpec pipeline = ConfigView.validated(augment.section(), () -> new PipelineSpec(imageSize,
                augment.doubleIn("jitter-min", 0.01, 10), augment.doubleIn("jitter-max", 0.01, 10), augment.bool("flip")));
        SearchSpace space = SearchSpace.fromConfig(c.sub("space"));
        SearchOptimisation optimisation = SearchOptimisation.fromConfig(c.sub("optimisation"));
        double clip = c.sub("optimisation").doubleIn("gradient-clip", 1e-6, 1e6);
        ConfigView spark = c.sub("spark");
        double fraction = c.doubleIn("arch-fraction", 0, 1);
        int batch = c.intIn("batch-size", 1, 65536);
        long seed = c.longIn("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        int frequency = spark.intIn("averaging-frequency", 2, 1_000_000);
        int prefetch = spark.intIn("prefetch", 0, 1000);
        int workers = spark.intIn("workers", 0, 100_000);
        return ConfigView.validated(c.section(), () -> new SearchSettings(space, optimisation, clip, pipeline, fraction, batch,
                seed, frequency, prefetch, workers));
    }
}

package org.detsearch.sweep;

import com.typesafe.config.ConfigFactory;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.NmsSpec;
import org.detsearch.image.PipelineSpec;
import org.detsearch.train.OptimizerSpec;
import org.detsearch.train.TrainSpec;

import java.util.Map;

/**
 * The settings every trial of a sweep shares, read from the hashed {@code settings} of a trial config (the
 * {@code sweep.trial} section, data paths qualified, plus the dry-run flag and the training mode). The driver
 * reads them once when planning, so a bad value stops the sweep before anything runs, naming its key.
 *
 * @param images          proxy-training budget: training images (0 = the whole data subset)
 * @param resolutionScale proxy-training budget: the input size of proxy training and evaluation, as a fraction of
 *                        the architecture's (rounded to a size the family builds)
 * @param subsetSeed      which shards a data subset starts from (the same subsets for every seed)
 * @param evalMaxImages   evaluation images (the first of the evaluation split; 0 = all)
 */
public record TrialSettings(String trainData, String evaluationData, long subsetSeed, int images, int epochs,
                            double resolutionScale, int batchSize, OptimizerSpec optimizer, ConfigView augmentation,
                            int evalMaxImages, NmsSpec nms, int evalBatchSize, int latencyWarmup, int latencyRuns,
                            boolean dryRun, Training training) {
    public static final String SECTION = "sweep.trial";

    /** How a trial trains: inside its own Spark task, or data-parallel over {@code workers} Spark tasks. */
    public record Training(Mode mode, int workers, int averagingFrequency, int prefetch) {
        public enum Mode { SINGLE, DATA_PARALLEL }
    }

    /** Reads a trial config's settings (the layout of {@code sweep.trial}). */
    public static TrialSettings of(Map<String, Object> settings) {
        return from(ConfigView.of(ConfigFactory.parseMap(Map.of("sweep", Map.of("trial", settings))), SECTION));
    }

    static TrialSettings from(ConfigView c) {
        ConfigView data = c.sub("data");
        ConfigView budget = c.sub("budget");
        ConfigView evaluation = c.sub("evaluation");
        ConfigView latency = c.sub("latency");
        ConfigView training = c.sub("training");
        NmsSpec nms = switch (evaluation.string("nms")) {
            case "hard" -> NmsSpec.HARD;
            case "soft" -> NmsSpec.EFFICIENTDET;
            default -> throw new org.detsearch.config.ConfigValidationException(evaluation.fullPath("nms"),
                    evaluation.string("nms"), "allowed: hard or soft");
        };
        TrialSettings settings = new TrialSettings(data.nonBlank("train"), data.nonBlank("evaluation"),
                data.longIn("subset-seed", Long.MIN_VALUE, Long.MAX_VALUE), budget.intIn("images", 0, Integer.MAX_VALUE),
                budget.intIn("epochs", 1, 100_000), budget.doubleIn("resolution-scale", 0.01, 4), budget.intIn("batch-size", 1, 65536),
                OptimizerSpec.fromConfig(c.sub("optimizer")), c.sub("augmentation"), evaluation.intIn("max-images", 0, Integer.MAX_VALUE),
                nms, evaluation.intIn("batch-size", 1, 65536), latency.intIn("warmup", 0, 10_000), latency.intIn("runs", 1, 100_000),
                c.bool("dry-run"), new Training(training.enumValue("mode", Training.Mode.class), training.intIn("workers", 0, 100_000),
                training.intIn("averaging-frequency", 1, 1_000_000), training.intIn("prefetch", 0, 1000)));
        settings.pipeline(128); // validates the augmentation section now
        return settings;
    }

    /** The training of one trial as model-core's and the train job's settings. */
    public TrainSpec trainSpec(TrainSpec.Mode mode, long seed, int imageSize, int checkpointEvery) {
        return new TrainSpec(mode, epochs, batchSize, seed, checkpointEvery, pipeline(imageSize), optimizer,
                training.averagingFrequency(), training.prefetch(), training.workers());
    }

    /** The augmentation for a network input of {@code imageSize}. */
    public PipelineSpec pipeline(int imageSize) {
        return TrainSpec.pipeline(augmentation, imageSize);
    }
}

package org.detsearch.train;

import org.detsearch.config.ConfigView;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The optimiser of a training run, the {@code optimizer} config section. EfficientDet's recipe is SGD with
 * momentum 0.9, a linear warm-up from a tenth of the rate, then cosine decay ({@link WarmupCosineSchedule}),
 * weight decay on kernels only and gradient clipping; Adam (same schedule) is there for tiny models trained
 * from scratch, which it moves faster. SGD's momentum is DL4J's Nesterov momentum: DL4J has no plain
 * (heavy-ball) momentum updater, and the two differ only in where the gradient is taken.
 *
 * @param warmupEpochs  epochs of linear warm-up (may be fractional)
 * @param gradientClip  L2 norm each layer's gradient is clipped to
 */
public record OptimizerSpec(Method method, double learningRate, double momentum, double weightDecay,
                            double gradientClip, double warmupEpochs) implements java.io.Serializable {
    public enum Method { SGD, ADAM }

    public OptimizerSpec {
        if (!(learningRate > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0 || !(gradientClip > 0) || warmupEpochs < 0) {
            throw new IllegalArgumentException("need learning rate > 0, momentum in [0, 1), weight decay >= 0, "
                    + "gradient clip > 0 and warm-up >= 0");
        }
    }

    public static OptimizerSpec fromConfig(ConfigView c) {
        return new OptimizerSpec(c.enumValue("method", Method.class), c.doubleIn("learning-rate", 1e-9, 100),
                c.doubleIn("momentum", 0, 0.999999), c.doubleIn("weight-decay", 0, 1), c.doubleIn("gradient-clip", 1e-9, 1e9),
                c.doubleIn("warmup-epochs", 0, 1e6));
    }

    /** The updater for a run of {@code totalIterations}, {@code iterationsPerEpoch} of them per epoch. */
    public IUpdater updater(int totalIterations, int iterationsPerEpoch) {
        int warmup = Math.min(totalIterations - 1, (int) Math.round(warmupEpochs * iterationsPerEpoch));
        WarmupCosineSchedule schedule = new WarmupCosineSchedule(learningRate, learningRate / 10, warmup, totalIterations);
        return switch (method) {
            case SGD -> new Nesterovs(schedule, momentum);
            case ADAM -> new Adam(schedule);
        };
    }
}

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
 * Instead of the cosine, {@code schedule = step} gives Detectron's step decay ({@link WarmupStepSchedule}: the
 * rate times {@code decayFactor} at each of {@code decayEpochs}), NATS' re-training schedule.
 *
 * @param warmupEpochs   epochs of linear warm-up (may be fractional)
 * @param gradientClip   L2 norm each layer's gradient is clipped to
 * @param emaDecay       decay of the exponential moving average of the weights that the finished model keeps
 *                       (EfficientDet: 0.9998, batch-norm statistics included); 0 = none, the model keeps the weights
 * @param batchNormDecay decay of every batch norm's running statistics; 0 = the architecture's own (EfficientDet
 *                       0.99 as the reference, ResNet DL4J's 0.9). Short runs (tests, sweep proxies) need a lower one:
 *                       a few hundred steps at 0.99 leave the statistics that inference uses near their start
 */
public record OptimizerSpec(Method method, double learningRate, double momentum, double weightDecay,
                            double gradientClip, double warmupEpochs, Schedule schedule, double[] decayEpochs,
                            double decayFactor, double emaDecay, double batchNormDecay) implements java.io.Serializable {
    public enum Method { SGD, ADAM }

    public enum Schedule { COSINE, STEP }

    public OptimizerSpec {
        if (!(learningRate > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0 || !(gradientClip > 0) || warmupEpochs < 0
                || !(decayFactor > 0) || emaDecay < 0 || emaDecay >= 1 || batchNormDecay < 0 || batchNormDecay >= 1) {
            throw new IllegalArgumentException("need learning rate > 0, momentum in [0, 1), weight decay >= 0, "
                    + "gradient clip > 0, warm-up >= 0, a positive decay factor, EMA and batch-norm decays in [0, 1)");
        }
        decayEpochs = decayEpochs.clone();
    }

    /** Warm-up then cosine decay (EfficientDet's schedule). */
    public OptimizerSpec(Method method, double learningRate, double momentum, double weightDecay, double gradientClip,
                         double warmupEpochs) {
        this(method, learningRate, momentum, weightDecay, gradientClip, warmupEpochs, Schedule.COSINE, new double[0], 0.1, 0, 0);
    }

    public static OptimizerSpec fromConfig(ConfigView c) {
        double[] decays = c.raw().getDoubleList("decay-epochs").stream().mapToDouble(Double::doubleValue).toArray();
        return ConfigView.validated(c.section(), () -> new OptimizerSpec(c.enumValue("method", Method.class),
                c.doubleIn("learning-rate", 1e-9, 100), c.doubleIn("momentum", 0, 0.999999), c.doubleIn("weight-decay", 0, 1),
                c.doubleIn("gradient-clip", 1e-9, 1e9), c.doubleIn("warmup-epochs", 0, 1e6), c.enumValue("schedule", Schedule.class),
                decays, c.doubleIn("decay-factor", 1e-9, 1e9), c.doubleIn("ema-decay", 0, 0.999999999),
                c.doubleIn("batch-norm-decay", 0, 0.999999999)));
    }

    /** The updater for a run of {@code totalIterations}, {@code iterationsPerEpoch} of them per epoch. */
    public IUpdater updater(int totalIterations, int iterationsPerEpoch) {
        int warmup = Math.min(totalIterations - 1, (int) Math.round(warmupEpochs * iterationsPerEpoch));
        org.nd4j.linalg.schedule.ISchedule schedule = this.schedule == Schedule.COSINE
                ? new WarmupCosineSchedule(learningRate, learningRate / 10, warmup, totalIterations)
                : new WarmupStepSchedule(learningRate, learningRate / 10, warmup, java.util.Arrays.stream(decayEpochs)
                        .mapToInt(e -> (int) Math.round(e * iterationsPerEpoch)).toArray(), decayFactor);
        return switch (method) {
            case SGD -> new Nesterovs(schedule, momentum);
            case ADAM -> new Adam(schedule);
        };
    }

    /** Value equality, the decay epochs included (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof OptimizerSpec s && method == s.method && learningRate == s.learningRate && momentum == s.momentum
                && weightDecay == s.weightDecay && gradientClip == s.gradientClip && warmupEpochs == s.warmupEpochs
                && schedule == s.schedule && java.util.Arrays.equals(decayEpochs, s.decayEpochs) && decayFactor == s.decayFactor
                && emaDecay == s.emaDecay && batchNormDecay == s.batchNormDecay;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(method, learningRate, momentum, weightDecay, gradientClip, warmupEpochs, schedule,
                java.util.Arrays.hashCode(decayEpochs), decayFactor, emaDecay, batchNormDecay);
    }
}

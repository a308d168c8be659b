package org.detsearch.model;

import org.nd4j.linalg.learning.config.IUpdater;

/**
 * How a detector graph's layers are optimised: the updater (with its learning-rate schedule), L2 weight decay on
 * kernels (not biases or batch-norm parameters), per-layer gradient clipping by L2 norm, and the seed of the
 * initial weights.
 */
public record TrainingSettings(IUpdater updater, double weightDecay, double gradientClip, long seed) {
    public TrainingSettings {
        if (updater == null || weightDecay < 0 || !(gradientClip > 0)) {
            throw new IllegalArgumentException("need an updater, weight decay >= 0 and a positive gradient clip");
        }
    }
}

package org.detsearch.nats;

/**
 * Which step an iteration is (PAPERS 1.5): during the first {@code freezeIterations} (alpha frozen, the supernet's
 * warm-up: the paper's first 10 of 25 epochs) every iteration is a weight step; after them weight and architecture
 * steps alternate one for one, weights first. The rule depends only on the network's iteration count, which DL4J
 * passes to every updater, so it holds wherever a network is fitted, also in the workers of DL4J's
 * ParameterAveragingTrainingMaster. The data must follow it: the minibatch fitted at iteration i comes from split A
 * when {@code phase(i)} is {@link Phase#WEIGHTS} and from split B otherwise. Under parameter averaging a worker
 * starts at the master's iteration count and counts on, so the averaging frequency must be even (then every
 * worker starts each round on a weight step, with A, B, A, B, ...).
 * <p>
 * Each optimiser sees its own step count ({@link #stepsBefore}): Adam's bias correction of alpha counts
 * architecture steps only, and a weight learning-rate schedule runs over the weight steps, as two separate
 * optimisers would.
 */
public record BiLevelSchedule(int freezeIterations) implements java.io.Serializable {
    public BiLevelSchedule {
        if (freezeIterations < 0) {
            throw new IllegalArgumentException("freeze iterations must be >= 0, got " + freezeIterations);
        }
    }

    public Phase phase(int iteration) {
        return iteration < freezeIterations || (iteration - freezeIterations) % 2 == 0 ? Phase.WEIGHTS : Phase.ARCHITECTURE;
    }

    /** How many steps of {@code phase} come before {@code iteration}: that optimiser's own iteration count. */
    public int stepsBefore(Phase phase, int iteration) {
        if (iteration <= freezeIterations) {
            return phase == Phase.WEIGHTS ? iteration : 0;
        }
        int alternating = iteration - freezeIterations;
        return phase == Phase.WEIGHTS ? freezeIterations + (alternating + 1) / 2 : alternating / 2;
    }

    /** Iterations for {@code weightSteps} weight steps and {@code architectureSteps} architecture steps in all. */
    public int iterations(int weightSteps, int architectureSteps) {
        int alternatingWeightSteps = weightSteps - freezeIterations;
        if (alternatingWeightSteps < architectureSteps || alternatingWeightSteps > architectureSteps + 1) {
            throw new IllegalArgumentException("after " + freezeIterations + " frozen iterations, weight and architecture "
                    + "steps alternate: " + weightSteps + " weight steps cannot go with " + architectureSteps + " architecture steps");
        }
        return weightSteps + architectureSteps;
    }
}

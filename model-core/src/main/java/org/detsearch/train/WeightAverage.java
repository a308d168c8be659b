package org.detsearch.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exponential moving average of a network's parameters, batch-norm statistics included, that EfficientDet
 * evaluates ({@code moving_average_decay} 0.9998 in automl, a TF {@code ExponentialMovingAverage} with
 * {@code num_updates} = the global step): after step t the average moves towards the parameters with decay
 * {@code min(decay, (1 + t) / (10 + t))}, so early averages do not hold on to the random initialisation. An update
 * after several steps (a parameter-averaging round) applies their decays at once to the parameters it sees.
 */
public final class WeightAverage {
    private final double decay;
    private final INDArray average;

    /** @param initial the parameters to start from (copied) */
    public WeightAverage(double decay, INDArray initial) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("an average's decay must be in (0, 1), got " + decay);
        }
        this.decay = decay;
        this.average = initial.dup();
    }

    /** The decay of global step {@code step} (counted from 1). */
    double decayAt(long step) {
        return Math.min(decay, (1.0 + step) / (10.0 + step));
    }

    /** After steps {@code fromStep + 1 .. toStep}, which brought the weights to {@code params}. */
    public void update(INDArray params, long fromStep, long toStep) {
        double kept = 1;
        for (long step = fromStep + 1; step <= toStep; step++) {
            kept *= decayAt(step);
        }
        average.muli(kept).addi(params.mul(1 - kept));
    }

    /** An average restored from a checkpoint. */
    public static WeightAverage restored(double decay, INDArray values) {
        return new WeightAverage(decay, values);
    }

    public INDArray values() {
        return average;
    }
}

package org.detsearch.train;

import org.nd4j.linalg.schedule.ISchedule;

import java.util.Arrays;

/**
 * Detectron's "1x" learning rate, which NATS re-trains with (PAPERS 1.7): linear warm-up from {@code warmupInit} to
 * {@code base} over {@code warmupIterations}, then {@code base} times {@code factor} once per decay point passed
 * (the paper: x 0.1 at epochs 8 and 11 of 13). Bean properties and value equality, as {@link WarmupCosineSchedule}
 * explains.
 */
public class WarmupStepSchedule implements ISchedule {
    private double base;
    private double warmupInit;
    private int warmupIterations;
    private int[] decayIterations = new int[0];
    private double factor;

    public WarmupStepSchedule() {
    }

    public WarmupStepSchedule(double base, double warmupInit, int warmupIterations, int[] decayIterations, double factor) {
        int[] sorted = decayIterations.clone();
        Arrays.sort(sorted);
        if (base <= 0 || warmupIterations < 0 || !(factor > 0) || (sorted.length > 0 && sorted[0] < warmupIterations)) {
            throw new IllegalArgumentException("need a positive rate and factor, warm-up >= 0 and decay points after the "
                    + "warm-up, got rate " + base + ", factor " + factor + ", warm-up " + warmupIterations + ", decay at "
                    + Arrays.toString(decayIterations));
        }
        this.base = base;
        this.warmupInit = warmupInit;
        this.warmupIterations = warmupIterations;
        this.decayIterations = sorted;
        this.factor = factor;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupIterations) {
            return warmupInit + (base - warmupInit) * iteration / warmupIterations;
        }
        double rate = base;
        for (int decay : decayIterations) {
            if (iteration >= decay) {
                rate *= factor;
            }
        }
        return rate;
    }

    @Override
    public ISchedule clone() {
        return new WarmupStepSchedule(base, warmupInit, warmupIterations, decayIterations, factor);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupStepSchedule s && base == s.base && warmupInit == s.warmupInit
                && warmupIterations == s.warmupIterations && Arrays.equals(decayIterations, s.decayIterations) && factor == s.factor;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, warmupInit, warmupIterations, Arrays.hashCode(decayIterations), factor);
    }

    public double getBase() {
        return base;
    }

    public void setBase(double base) {
        this.base = base;
    }

    public double getWarmupInit() {
        return warmupInit;
    }

    public void setWarmupInit(double warmupInit) {
        this.warmupInit = warmupInit;
    }

    public int getWarmupIterations() {
        return warmupIterations;
    }

    public void setWarmupIterations(int warmupIterations) {
        this.warmupIterations = warmupIterations;
    }

    public int[] getDecayIterations() {
        return decayIterations.clone();
    }

    public void setDecayIterations(int[] decayIterations) {
        this.decayIterations = decayIterations.clone();
    }

    public double getFactor() {
        return factor;
    }

    public void setFactor(double factor) {
        this.factor = factor;
    }
}

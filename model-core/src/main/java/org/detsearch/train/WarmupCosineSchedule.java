package org.detsearch.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * EfficientDet's learning rate: linear warm-up from {@code warmupInit} to {@code base} over
 * {@code warmupIterations}, then {@code 0.5 base (1 + cos(pi * iteration / (total - warmup)))}. As in automl's
 * {@code CosineLrSchedule}, the cosine takes the global iteration, not the one counted from the warm-up's end.
 * Bean properties: DL4J serialises schedules in configurations and checkpoints through them. Value equality:
 * DL4J merges consecutive parameters into one updater block when their updaters are equal, schedule included, and
 * a multi-state updater (Adam: m then v per block) lays its state out by block; without it a restored or cloned
 * network (one schedule instance per layer) has other blocks than the fresh one (one shared instance), so a
 * checkpoint's Adam state lands shifted (m values in v: NaN at the next step).
 */
public class WarmupCosineSchedule implements ISchedule {
    private double base;
    private double warmupInit;
    private int warmupIterations;
    private int totalIterations;

    public WarmupCosineSchedule() {
    }

    public WarmupCosineSchedule(double base, double warmupInit, int warmupIterations, int totalIterations) {
        if (totalIterations <= warmupIterations || warmupIterations < 0 || base <= 0) {
            throw new IllegalArgumentException("need 0 <= warm-up < total iterations and a positive rate, got warm-up "
                    + warmupIterations + ", total " + totalIterations + ", rate " + base);
        }
        this.base = base;
        this.warmupInit = warmupInit;
        this.warmupIterations = warmupIterations;
        this.totalIterations = totalIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupIterations) {
            return warmupInit + (base - warmupInit) * iteration / warmupIterations;
        }
        return 0.5 * base * (1 + Math.cos(Math.PI * iteration / (totalIterations - warmupIterations)));
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(base, warmupInit, warmupIterations, totalIterations);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule s && base == s.base && warmupInit == s.warmupInit
                && warmupIterations == s.warmupIterations && totalIterations == s.totalIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, warmupInit, warmupIterations, totalIterations);
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

    public int getTotalIterations() {
        return totalIterations;
    }

    public void setTotalIterations(int totalIterations) {
        this.totalIterations = totalIterations;
    }
}

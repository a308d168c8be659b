package org.detsearch.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Cosine annealing from {@code initial} to {@code end} over {@code totalIterations} (PyTorch's
 * CosineAnnealingLR with eta_min = end), then {@code end}: {@code end + (initial - end)(1 + cos(pi i / T)) / 2}.
 * NATS anneals the search's weight learning rate 0.00125 -> 0.00005 per image this way (PAPERS 1.5).
 * Bean properties and value equality, as DL4J needs of schedules (see {@link WarmupCosineSchedule}).
 */
public class CosineAnnealingSchedule implements ISchedule {
    private double initial;
    private double end;
    private int totalIterations;

    public CosineAnnealingSchedule() {
    }

    public CosineAnnealingSchedule(double initial, double end, int totalIterations) {
        if (!(initial > 0) || end < 0 || end > initial || totalIterations < 1) {
            throw new IllegalArgumentException("need initial rate > 0, 0 <= end rate <= initial and >= 1 iteration, got "
                    + initial + " -> " + end + " over " + totalIterations);
        }
        this.initial = initial;
        this.end = end;
        this.totalIterations = totalIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double progress = Math.min(iteration, totalIterations) / (double) totalIterations;
        return end + 0.5 * (initial - end) * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public ISchedule clone() {
        return new CosineAnnealingSchedule(initial, end, totalIterations);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosineAnnealingSchedule s && initial == s.initial && end == s.end && totalIterations == s.totalIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(initial, end, totalIterations);
    }

    public double getInitial() {
        return initial;
    }

    public void setInitial(double initial) {
        this.initial = initial;
    }

    public double getEnd() {
        return end;
    }

    public void setEnd(double end) {
        this.end = end;
    }

    public int getTotalIterations() {
        return totalIterations;
    }

    public void setTotalIterations(int totalIterations) {
        this.totalIterations = totalIterations;
    }
}

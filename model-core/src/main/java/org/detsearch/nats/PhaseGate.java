package org.detsearch.nats;

/**
 * What the phase-gated updater and regularisation share: the phase they act in and the schedule (held as its one
 * number, so that DL4J's JSON writes it as a plain field), and the test for an iteration.
 */
public abstract class PhaseGate {
    protected Phase phase;
    protected int freezeIterations;

    protected PhaseGate() {
    }

    protected PhaseGate(Phase phase, BiLevelSchedule schedule) {
        this.phase = phase;
        this.freezeIterations = schedule.freezeIterations();
    }

    public BiLevelSchedule schedule() {
        return new BiLevelSchedule(freezeIterations);
    }

    /** Whether {@code iteration} is a step of this gate's phase. */
    public boolean active(int iteration) {
        return schedule().phase(iteration) == phase;
    }

    /** The delegate's own step count at {@code iteration}. */
    protected int ownIteration(int iteration) {
        return schedule().stepsBefore(phase, iteration);
    }

    protected boolean sameGate(PhaseGate other) {
        return phase == other.phase && freezeIterations == other.freezeIterations;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public int getFreezeIterations() {
        return freezeIterations;
    }

    public void setFreezeIterations(int freezeIterations) {
        this.freezeIterations = freezeIterations;
    }
}

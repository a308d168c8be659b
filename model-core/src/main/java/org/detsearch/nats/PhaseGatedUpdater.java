package org.detsearch.nats;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;
import java.util.Objects;

/**
 * An updater that is its delegate on the iterations of one {@link Phase} and a true no-op on the others: the
 * update is zero, the delegate's state (momentum, Adam's moments) is not touched, and the learning rate it reports
 * is 0 (so a learning-rate-scaled weight decay adds nothing either). On its own steps the delegate sees its own
 * step count ({@link BiLevelSchedule#stepsBefore}). A zero-rate schedule alone would alternate the steps but let
 * Adam's moments decay and momentum carry on (PLATFORM-NOTES).
 * <p>
 * Serialised with the network configuration (DL4J writes an updater's fields); value equality, so DL4J merges
 * equal updaters into the same blocks in fresh and restored networks.
 */
public class PhaseGatedUpdater extends PhaseGate implements IUpdater {
    private IUpdater delegate;

    public PhaseGatedUpdater() {
    }

    public PhaseGatedUpdater(IUpdater delegate, Phase phase, BiLevelSchedule schedule) {
        super(phase, schedule);
        if (delegate instanceof PhaseGatedUpdater) {
            throw new IllegalArgumentException("the updater is already gated: " + delegate);
        }
        this.delegate = delegate;
    }

    @Override
    public long stateSize(long numParams) {
        return delegate.stateSize(numParams);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new Gated(this, delegate.instantiate(viewArray, initializeViewArray));
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        return new Gated(this, delegate.instantiate(updaterState, initializeStateArrays));
    }

    @Override
    public PhaseGatedUpdater clone() {
        return new PhaseGatedUpdater(delegate.clone(), phase, schedule());
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return active(iteration) && delegate.hasLearningRate() ? delegate.getLearningRate(ownIteration(iteration), epoch) : 0;
    }

    @Override
    public boolean hasLearningRate() {
        return delegate.hasLearningRate();
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        delegate.setLrAndSchedule(lr, lrSchedule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhaseGatedUpdater g && delegate.equals(g.delegate) && sameGate(g);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delegate, phase, freezeIterations);
    }

    @Override
    public String toString() {
        return phase + " steps only (freeze " + freezeIterations + "): " + delegate;
    }

    public IUpdater getDelegate() {
        return delegate;
    }

    public void setDelegate(IUpdater delegate) {
        this.delegate = delegate;
    }

    /** The delegate's runtime updater behind the gate. */
    private static final class Gated implements GradientUpdater<PhaseGatedUpdater> {
        private final PhaseGatedUpdater config;
        private final GradientUpdater<?> inner;

        Gated(PhaseGatedUpdater config, GradientUpdater<?> inner) {
            this.config = config;
            this.inner = inner;
        }

        @Override
        public PhaseGatedUpdater getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            inner.setState(stateMap, initialize);
        }

        @Override
        public Map<String, INDArray> getState() {
            return inner.getState();
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            inner.setStateViewArray(viewArray, gradientShape, gradientOrder, initialize);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (config.active(iteration)) {
                inner.applyUpdater(gradient, config.ownIteration(iteration), epoch);
            } else {
                gradient.assign(0);
            }
        }
    }
}

package org.detsearch.nats;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.Objects;

/**
 * A regularisation applied on the iterations of one {@link Phase} only (with that phase's own step count): DL4J's
 * decoupled weight decay without learning-rate scaling would otherwise shrink the weights on architecture steps.
 * Its score (the loss term) is always the delegate's. Bean properties, for DL4J's configuration JSON.
 */
public class PhaseGatedRegularization extends PhaseGate implements Regularization {
    private Regularization delegate;

    public PhaseGatedRegularization() {
    }

    public PhaseGatedRegularization(Regularization delegate, Phase phase, BiLevelSchedule schedule) {
        super(phase, schedule);
        if (delegate instanceof PhaseGatedRegularization) {
            throw new IllegalArgumentException("the regularisation is already gated: " + delegate);
        }
        this.delegate = delegate;
    }

    @Override
    public ApplyStep applyStep() {
        return delegate.applyStep();
    }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        if (active(iteration)) {
            delegate.apply(param, gradView, lr, ownIteration(iteration), epoch);
        }
    }

    @Override
    public double score(INDArray param, int iteration, int epoch) {
        return delegate.score(param, ownIteration(iteration), epoch);
    }

    @Override
    public PhaseGatedRegularization clone() {
        return new PhaseGatedRegularization(delegate.clone(), phase, schedule());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhaseGatedRegularization g && delegate.equals(g.delegate) && sameGate(g);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delegate, phase, freezeIterations);
    }

    @Override
    public String toString() {
        return phase + " steps only: " + delegate;
    }

    public Regularization getDelegate() {
        return delegate;
    }

    public void setDelegate(Regularization delegate) {
        this.delegate = delegate;
    }
}

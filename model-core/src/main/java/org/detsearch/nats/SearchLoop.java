package org.detsearch.nats;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.function.IntFunction;

/**
 * The single-JVM NATS search over minibatches: iteration i fits split A's next minibatch when it is a weight step
 * and split B's next one when it is an architecture step, as the network's {@link BiLevelSchedule} says (the
 * prepared network carries it: one source of truth for the data and the updaters). What a Spark worker does per
 * minibatch is the same single {@code fit()}.
 */
public final class SearchLoop {
    /** Called after each iteration. */
    @FunctionalInterface
    public interface Listener {
        void iterationDone(int iteration, Phase phase, double loss);
    }

    private final ComputationGraph net;
    private final BiLevelSchedule schedule;

    /** @param net a network prepared by {@link BiLevelTraining#prepare}, initialised */
    public SearchLoop(ComputationGraph net) {
        this.net = net;
        this.schedule = BiLevelTraining.scheduleOf(net.getConfiguration());
    }

    public BiLevelSchedule schedule() {
        return schedule;
    }

    /**
     * Runs iterations from the network's current iteration count up to {@code untilIteration}.
     *
     * @param splitA the minibatch of the k-th weight step (k counts weight steps from 0)
     * @param splitB the minibatch of the k-th architecture step
     */
    public void run(int untilIteration, IntFunction<MultiDataSet> splitA, IntFunction<MultiDataSet> splitB, Listener listener) {
        for (int i = net.getConfiguration().getIterationCount(); i < untilIteration; i++) {
            Phase phase = schedule.phase(i);
            int step = schedule.stepsBefore(phase, i);
            net.fit(phase == Phase.WEIGHTS ? splitA.apply(step) : splitB.apply(step));
            listener.iterationDone(i, phase, net.score());
        }
    }
}

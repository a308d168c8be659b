package org.detsearch.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Times training steps: {@code warmup} untimed ones, then {@code steps} timed ones, each one call of
 * {@code ComputationGraph.fit(MultiDataSet)} (forward, backward, updater), the call DetectorTrainer and every Spark
 * worker make per minibatch, here without their data loading, logging and checkpoints. Two synthetic minibatches
 * alternate, made before the clock starts.
 */
public record TrainingSteps(int batch, int warmup, int steps) {
    public TrainingSteps {
        if (batch < 1 || warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("need batch >= 1, warm-up >= 0 and steps >= 1, got " + batch + ", " + warmup
                    + ", " + steps);
        }
    }

    /** @param stepSeconds each timed step's seconds */
    public record Measurement(List<Double> stepSeconds, double meanStepSeconds, double minStepSeconds, double imagesPerSecond) {
    }

    public Measurement run(StepModel model) {
        List<MultiDataSet> batches = List.of(model.batches().batch(0, batch), model.batches().batch(1, batch));
        ComputationGraph net = model.net();
        for (int i = 0; i < warmup; i++) {
            fit(net, batches.get(i % 2), i);
        }
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            fit(net, batches.get(i % 2), warmup + i);
            seconds.add((System.nanoTime() - start) / 1e9);
        }
        double total = seconds.stream().mapToDouble(Double::doubleValue).sum();
        return new Measurement(seconds, total / steps, seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                (double) batch * steps / total);
    }

    private static void fit(ComputationGraph net, MultiDataSet batch, int step) {
        net.fit(batch);
        if (!Double.isFinite(net.score())) {
            throw new IllegalStateException("the loss is " + net.score() + " after step " + (step + 1));
        }
    }
}

package org.detsearch.train;

import org.detsearch.model.DetectorSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.model.DetectorModel;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.util.function.IntFunction;

/**
 * The single-JVM training loop: fits minibatches, stops on a NaN or infinite loss naming the iteration and the
 * loss part, logs every iteration and checkpoints the model with its updater state every {@code checkpointEvery}
 * iterations and at the end. The last good checkpoint survives a crash or a divergence; a run started again
 * continues after it without repeating iterations.
 */
public final class DetectorTrainer {
    private final CheckpointStore checkpoints;
    private final int checkpointEvery;

    /** Called after each checkpoint (e.g. to redraw the loss curves). */
    public interface CheckpointListener {
        void checkpointed(int iteration) throws IOException;
    }

    public DetectorTrainer(CheckpointStore checkpoints, int checkpointEvery) {
        this.checkpoints = checkpoints;
        this.checkpointEvery = checkpointEvery;
    }

    /**
     * Trains from {@code startIteration} up to {@code iterations}; {@code batches} gives iteration i's minibatch
     * (deterministically, so a resumed run sees the same data as an uninterrupted one).
     */
    public DetectorModel train(DetectorModel model, int startIteration, int iterations, int iterationsPerEpoch,
                               IntFunction<MultiDataSet> batches, TrainingLog log, CheckpointListener listener) throws IOException {
        return train(model, startIteration, iterations, iterationsPerEpoch, batches, log, listener, null);
    }

    /** @param average the moving average of the weights to keep up to date (and checkpoint), or null */
    public DetectorModel train(DetectorModel model, int startIteration, int iterations, int iterationsPerEpoch,
                               IntFunction<MultiDataSet> batches, TrainingLog log, CheckpointListener listener,
                               WeightAverage average) throws IOException {
        ComputationGraph net = model.net();
        for (int i = startIteration; i < iterations; i++) {
            MultiDataSet batch = batches.apply(i);
            long start = System.nanoTime();
            double learningRate = learningRate(net, i);
            net.fit(batch);
            double seconds = (System.nanoTime() - start) / 1e9;
            double classLoss = net.getLayer(DetectorSpec.CLASS_OUTPUT).score();
            double boxLoss = net.getLayer(DetectorSpec.BOX_OUTPUT).score();
            checkFinite(i, DetectorSpec.CLASS_OUTPUT, classLoss);
            checkFinite(i, DetectorSpec.BOX_OUTPUT, boxLoss);
            if (average != null) {
                average.update(net.params(), i, i + 1);
            }
            int epoch = i / iterationsPerEpoch + 1;
            log.record(new TrainingLog.Row(i + 1, epoch, net.score(), classLoss, boxLoss, learningRate,
                    batch.getFeatures(0).size(0) / seconds), false);
            if ((i + 1) % checkpointEvery == 0 || i + 1 == iterations) {
                checkpoints.save(model, (i + 1) / iterationsPerEpoch, i + 1, average);
                log.flush();
                listener.checkpointed(i + 1);
            }
        }
        return model;
    }

    /** The rate the updater applies at {@code iteration} (its schedule's value, or its fixed rate). */
    static double learningRate(ComputationGraph net, int iteration) {
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer trainable) {
                org.nd4j.linalg.learning.config.IUpdater updater = trainable.getIUpdater();
                return updater.hasLearningRate() ? updater.getLearningRate(iteration, 0) : Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static void checkFinite(int iteration, String part, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException("training diverged at iteration " + (iteration + 1) + ": the "
                    + part + " loss is " + value + "; the last good checkpoint is kept");
        }
    }
}

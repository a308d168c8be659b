package org.detsearch.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.model.RetinaNetBuilder;
import org.detsearch.util.Progress;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The single-JVM training loop (a Spark task runs the same loop): fits minibatches, stops on a NaN or infinite
 * loss naming the iteration and the loss part, and checkpoints the model with its updater state every
 * {@code checkpointEvery} iterations and at the end. A checkpoint is written to a temporary file and renamed, so
 * the last good one survives a crash or a divergence; {@link #resume} continues after it without repeating
 * iterations.
 */
public final class DetectorTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorTrainer.class);
    public static final String CHECKPOINT = "checkpoint.zip";
    /** The iteration a checkpoint reached, stored inside its zip so model and position can never disagree. */
    private static final String ITERATION_KEY = "detsearch-iteration";

    private final Path checkpointDir;
    private final int checkpointEvery;

    public DetectorTrainer(Path checkpointDir, int checkpointEvery) {
        this.checkpointDir = checkpointDir;
        this.checkpointEvery = checkpointEvery;
    }

    /** The iteration the last checkpoint reached, or 0 without one. */
    public int checkpointedIteration() throws IOException {
        Path model = checkpointDir.resolve(CHECKPOINT);
        return Files.exists(model) ? ModelSerializer.<Integer>getObjectFromFile(model.toFile(), ITERATION_KEY) : 0;
    }

    /** The model of the last checkpoint (with its updater state), or the given fresh one. */
    public ComputationGraph resume(ComputationGraph fresh) throws IOException {
        Path model = checkpointDir.resolve(CHECKPOINT);
        return Files.exists(model) ? ModelSerializer.restoreComputationGraph(model.toFile(), true) : fresh;
    }

    /**
     * Trains from the checkpointed iteration up to {@code iterations}; {@code batches} gives iteration i's minibatch
     * (deterministically, so a resumed run sees the same data as an uninterrupted one).
     */
    public ComputationGraph train(ComputationGraph net, int iterations, IntFunction<MultiDataSet> batches) throws IOException {
        Files.createDirectories(checkpointDir);
        int start = checkpointedIteration();
        Progress progress = new Progress("train", "iterations", iterations - start);
        for (int i = start; i < iterations; i++) {
            net.fit(batches.apply(i));
            checkFinite(net, i);
            progress.advance(1);
            if ((i + 1) % checkpointEvery == 0 || i + 1 == iterations) {
                checkpoint(net, i + 1);
            }
        }
        return net;
    }

    private static void checkFinite(ComputationGraph net, int iteration) {
        List<String> outputs = List.of(RetinaNetBuilder.CLASS_OUTPUT, RetinaNetBuilder.BOX_OUTPUT);
        for (String output : outputs) {
            double part = net.getLayer(output).score();
            if (!Double.isFinite(part)) {
                throw new TrainingDivergedException("training diverged at iteration " + (iteration + 1) + ": the "
                        + output + " loss is " + part + "; the last good checkpoint is kept");
            }
        }
    }

    private void checkpoint(ComputationGraph net, int iteration) throws IOException {
        Path temp = checkpointDir.resolve(CHECKPOINT + ".tmp");
        ModelSerializer.writeModel(net, temp.toFile(), true);
        ModelSerializer.addObjectToFile(temp.toFile(), ITERATION_KEY, iteration);
        Files.move(temp, checkpointDir.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("train: checkpoint at iteration {} in {}", iteration, checkpointDir);
    }
}

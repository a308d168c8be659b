package org.detsearch.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.PreparedImage;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.RetinaNetBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.config.IUpdater;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorTrainerTest {
    private static final DetectorSpec SPEC = new DetectorSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.0625, 0),
            8, 1, AnchorSpec.EFFICIENTDET, 2, 128);

    private static ComputationGraph net(IUpdater updater) {
        ComputationGraph net = new ComputationGraph(RetinaNetBuilder.build(SPEC, updater, 4e-5, 10.0, 9));
        net.init();
        return net;
    }

    /** A deterministic minibatch per iteration: random pixels with one box each. */
    private static MultiDataSet batch(int iteration) {
        Random random = new Random(iteration);
        List<PreparedImage> images = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            float[] chw = new float[3 * 128 * 128];
            for (int p = 0; p < chw.length; p++) {
                chw[p] = (float) random.nextGaussian();
            }
            images.add(new PreparedImage(i, 128, chw, new double[] {20, 20, 70, 90}, new int[] {i % 2}, new boolean[] {false}, 1, 128, 128));
        }
        return new DetectionBatches(new TargetEncoder(new AnchorGrid(SPEC.anchors(), 128, 128), 2)).batch(images);
    }

    @Test
    void warmupThenCosineAsTheReference() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(0.08, 0.008, 10, 110);
        assertEquals(0.008, s.valueAt(0, 0), 1e-12);
        assertEquals(0.008 + 0.072 * 5 / 10, s.valueAt(5, 0), 1e-12);
        // the cosine takes the global iteration: at 10 it is already cos(pi * 10 / 100)
        assertEquals(0.5 * 0.08 * (1 + Math.cos(Math.PI * 10 / 100)), s.valueAt(10, 0), 1e-12);
        assertEquals(0.0, s.valueAt(100, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 0, 10, 10));
    }

    @Test
    void aRestartedRunResumesAfterItsLastCheckpointWithoutRepeatingIterations(@TempDir Path tmp) throws Exception {
        DetectorTrainer trainer = new DetectorTrainer(tmp, 4);
        List<Integer> seen = new ArrayList<>();
        ComputationGraph first = trainer.train(net(new Adam(1e-3)), 6, i -> {
            seen.add(i);
            return batch(i);
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5), seen);
        assertEquals(6, trainer.checkpointedIteration());

        // "killed and restarted": a new process restores the checkpoint and only does what is left
        DetectorTrainer again = new DetectorTrainer(tmp, 4);
        ComputationGraph restored = again.resume(net(new Adam(1e-3)));
        assertEquals(first.params(), restored.params(), "the checkpoint holds the trained parameters");
        assertEquals(first.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(), "and the updater state");
        seen.clear();
        again.train(restored, 8, i -> {
            seen.add(i);
            return batch(i);
        });
        assertEquals(List.of(6, 7), seen);
        assertEquals(8, again.checkpointedIteration());
    }

    @Test
    void aDivergingLossStopsTrainingAndKeepsTheLastGoodCheckpoint(@TempDir Path tmp) throws Exception {
        DetectorTrainer trainer = new DetectorTrainer(tmp, 1);
        trainer.train(net(new Adam(1e-3)), 1, DetectorTrainerTest::batch);
        byte[] good = Files.readAllBytes(tmp.resolve(DetectorTrainer.CHECKPOINT));
        // the same weights under an absurd learning rate
        ComputationGraph exploding = net(new Sgd(1e12));
        exploding.setParams(trainer.resume(net(new Adam(1e-3))).params());
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.train(exploding, 50, DetectorTrainerTest::batch));
        assertTrue(e.getMessage().matches("training diverged at iteration \\d+: the (class|box) loss is (NaN|-?Infinity); the last good checkpoint is kept"),
                e.getMessage());
        ComputationGraph kept = trainer.resume(net(new Sgd(0.1)));
        assertTrue(Double.isFinite(kept.params().sumNumber().doubleValue()), "the kept checkpoint is a usable model");
        assertTrue(trainer.checkpointedIteration() >= 1);
        assertTrue(good.length > 0);
    }
}

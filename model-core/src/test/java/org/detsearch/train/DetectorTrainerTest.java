package org.detsearch.train;

import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.coco.CocoCategory;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.PreparedImage;
import org.detsearch.model.DetectorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorTrainerTest {
    private static final DetectorSpec SPEC = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.0625, 0),
            8, 1, 0, AnchorSpec.EFFICIENTDET, 2, 128);

    private static final List<CocoCategory> CATEGORIES = List.of(new CocoCategory(3, "a", ""), new CocoCategory(8, "b", ""));

    private static DetectorModel model(IUpdater updater) {
        ComputationGraph net = new ComputationGraph(SPEC.graph(new TrainingSettings(updater, 4e-5, 10.0, 9)));
        net.init();
        return new DetectorModel(net, SPEC, CATEGORIES);
    }

    private static HadoopFiles files() {
        return new HadoopFiles(new Configuration());
    }

    private static TrainingLog log(Path dir, int resumed, int total) throws IOException {
        return new TrainingLog(files(), new org.apache.hadoop.fs.Path(dir.toUri()), resumed, total, 1);
    }

    private static CheckpointStore store(Path dir) {
        return new CheckpointStore(files(), new org.apache.hadoop.fs.Path(dir.toUri()));
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
    void warmupThenStepsAsDetectronsOneX() {
        // 13 epochs of 100 iterations, x0.1 at epochs 8 and 11, after 50 iterations of warm-up
        OptimizerSpec oneX = new OptimizerSpec(OptimizerSpec.Method.SGD, 0.02, 0.9, 1e-4, 10, 0.5, OptimizerSpec.Schedule.STEP,
                new double[] {8, 11}, 0.1, 0, 0);
        org.nd4j.linalg.schedule.ISchedule s = ((org.nd4j.linalg.learning.config.Nesterovs) oneX.updater(1300, 100))
                .getLearningRateSchedule();
        assertEquals(0.002, s.valueAt(0, 0), 1e-12);
        assertEquals(0.02, s.valueAt(50, 0), 1e-12);
        assertEquals(0.02, s.valueAt(799, 7), 1e-12);
        assertEquals(0.002, s.valueAt(800, 8), 1e-12);
        assertEquals(0.0002, s.valueAt(1299, 12), 1e-12);
        // DL4J keeps schedules in configurations as bean properties: a JSON round trip gives the same schedule
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = SPEC.graph(new TrainingSettings(oneX.updater(1300, 100),
                0, 10, 1));
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration back =
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertThrows(IllegalArgumentException.class, () -> new WarmupStepSchedule(0.1, 0.01, 10, new int[] {5}, 0.1));
    }

    @Test
    void aRestartedRunResumesAfterItsLastCheckpointWithoutRepeatingIterations(@TempDir Path tmp) throws Exception {
        List<Integer> seen = new ArrayList<>();
        List<Integer> checkpointed = new ArrayList<>();
        DetectorModel first = new DetectorTrainer(store(tmp), 4).train(model(new Adam(1e-3)), 0, 6, 3, i -> {
            seen.add(i);
            return batch(i);
        }, log(tmp, 0, 6), checkpointed::add);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), seen);
        assertEquals(List.of(4, 6), checkpointed);

        // "killed and restarted": a new process restores the checkpoint and only does what is left
        CheckpointStore.Checkpoint restored = store(tmp).restore().orElseThrow();
        assertEquals(6, restored.iteration());
        assertEquals(2, restored.epoch(), "6 iterations of 3 per epoch");
        assertEquals(SPEC, restored.model().spec());
        assertEquals(CATEGORIES, restored.model().categories());
        assertEquals(first.net().params(), restored.model().net().params(), "the checkpoint holds the trained parameters");
        assertEquals(first.net().getUpdater().getStateViewArray(), restored.model().net().getUpdater().getStateViewArray(),
                "and the updater state");
        seen.clear();
        TrainingLog log = log(tmp, 6, 8);
        assertEquals(6, log.rows().size(), "the history up to the checkpoint is kept");
        new DetectorTrainer(store(tmp), 4).train(restored.model(), 6, 8, 3, i -> {
            seen.add(i);
            return batch(i);
        }, log, i -> { });
        assertEquals(List.of(6, 7), seen);
        assertEquals(8, store(tmp).restore().orElseThrow().iteration());
        List<String> history = Files.readAllLines(tmp.resolve(TrainingLog.FILE_NAME));
        assertEquals(9, history.size(), "header + one row per iteration, none twice");
        assertTrue(history.get(8).startsWith("8,3,"), history.get(8));
    }

    @Test
    void resumingWithAdamUnderTheScheduleContinuesExactlyWhereTheRunStopped(@TempDir Path tmp) throws Exception {
        // Adam keeps two state arrays per updater block; the blocks of a restored network must be the fresh one's
        IUpdater adam = new OptimizerSpec(OptimizerSpec.Method.ADAM, 1e-3, 0.9, 0, 10, 0.5).updater(6, 3);
        Path straight = Files.createDirectories(tmp.resolve("straight"));
        DetectorModel uninterrupted = new DetectorTrainer(store(straight), 100).train(model(adam), 0, 6, 3,
                DetectorTrainerTest::batch, log(straight, 0, 6), i -> { });

        Path resumed = Files.createDirectories(tmp.resolve("resumed"));
        new DetectorTrainer(store(resumed), 100).train(model(adam), 0, 3, 3, DetectorTrainerTest::batch, log(resumed, 0, 3), i -> { });
        CheckpointStore.Checkpoint restored = store(resumed).restore().orElseThrow();
        DetectorModel continued = new DetectorTrainer(store(resumed), 100).train(restored.model(), 3, 6, 3,
                DetectorTrainerTest::batch, log(resumed, 3, 6), i -> { });

        double difference = uninterrupted.net().params().sub(continued.net().params()).norm2Number().doubleValue();
        double norm = uninterrupted.net().params().norm2Number().doubleValue();
        assertTrue(difference <= 1e-5 * norm, "resumed run differs from the uninterrupted one by " + difference + " (norm " + norm + ")");
    }

    @Test
    void aDivergingLossStopsTrainingAndKeepsTheLastGoodCheckpoint(@TempDir Path tmp) throws Exception {
        new DetectorTrainer(store(tmp), 1).train(model(new Adam(1e-3)), 0, 1, 10, DetectorTrainerTest::batch, log(tmp, 0, 1), i -> { });
        byte[] good = Files.readAllBytes(tmp.resolve(CheckpointStore.FILE_NAME));
        // the same weights under an absurd learning rate
        DetectorModel exploding = model(new Sgd(1e12));
        exploding.net().setParams(store(tmp).restore().orElseThrow().model().net().params());
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new DetectorTrainer(store(tmp), 1)
                .train(exploding, 1, 50, 10, DetectorTrainerTest::batch, log(tmp, 1, 50), i -> { }));
        assertTrue(e.getMessage().matches("training diverged at iteration \\d+: the (class|box) loss is (NaN|-?Infinity); the last good checkpoint is kept"),
                e.getMessage());
        CheckpointStore.Checkpoint kept = store(tmp).restore().orElseThrow();
        assertTrue(Double.isFinite(kept.model().net().params().sumNumber().doubleValue()), "the kept checkpoint is a usable model");
        assertTrue(kept.iteration() >= 1);
        assertTrue(good.length > 0);
    }

    @Test
    void aModelFileThatIsNotADetectorIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path notAModel = tmp.resolve(CheckpointStore.FILE_NAME);
        Files.write(notAModel, new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> store(tmp).restore());
        assertTrue(e.getMessage().contains(CheckpointStore.FILE_NAME), e.getMessage());
    }
}

package org.detsearch.nats;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.PretrainedLoadReport;
import org.detsearch.backbone.PretrainedWeights;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.model.ParameterCount;
import org.detsearch.model.RetinaNetBuilder;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.detsearch.train.DetectionBatches;
import org.detsearch.train.SyntheticDetectionImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NATS in miniature on the RetinaNet-style detector: a supernet detector starting from a "pretrained" plain
 * detector, searched on split A / split B, decoded, transformed, and the transformed detector loaded from the same
 * pretrained weights and trained on.
 */
class SearchLoopTest {
    private static final ResNetSpec TINY = new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0);

    private static java.util.Map<String, INDArray> snapshot(ComputationGraph net) {
        java.util.Map<String, INDArray> copy = new java.util.HashMap<>();
        net.paramTable().forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    @Test
    void searchDecodeTransformRetrain(@TempDir Path tmp) throws Exception {
        SyntheticDetectionImages synthetic = SyntheticDetectionImages.generate(tmp, 5, 8, 128);
        RetinaNetSpec spec = new RetinaNetSpec(TINY, 16, 1, 0, AnchorSpec.EFFICIENTDET, synthetic.numClasses(), 128);
        DetectionBatches batches = new DetectionBatches(new TargetEncoder(new AnchorGrid(spec.anchors(), 128, 128), spec.numClasses()));
        List<MultiDataSet> splitA = List.of(batches.batch(synthetic.images().subList(0, 2)), batches.batch(synthetic.images().subList(2, 4)));
        List<MultiDataSet> splitB = List.of(batches.batch(synthetic.images().subList(4, 6)), batches.batch(synthetic.images().subList(6, 8)));
        ComputationGraph pretrained = new ComputationGraph(spec.graph(new TrainingSettings(new Adam(1e-3), 1e-4, 10, 42)));
        pretrained.init();

        SupernetBackbone supernet = new SupernetBackbone(TINY, SearchSpace.paper(ChannelGrouping.groups(4), KernelSharing.COPIED));
        ComputationGraph net = new ComputationGraph(BiLevelTraining.prepare(
                RetinaNetBuilder.build(spec, supernet, new TrainingSettings(new Nesterovs(0.01, 0.9), 1e-4, 10, 42)), new BiLevelSchedule(2)));
        net.init();
        PretrainedLoadReport report = PretrainedWeights.of(pretrained, "plain detector").loadInto(net, PretrainedWeights.layersOf(supernet));
        assertEquals(List.of("res3a_branch2b alpha", "res4a_branch2b alpha", "res5a_branch2b alpha"), report.parametersLeftAtInitialisation());

        List<Phase> phases = new ArrayList<>();
        List<Boolean> alphaMoved = new ArrayList<>();
        java.util.Map<String, INDArray>[] previous = new java.util.Map[] {snapshot(net)};
        assertTrue(previous[0].containsKey("class_net_W0") && previous[0].containsKey("bn5a_branch2b_mean"), previous[0].keySet().toString());
        new SearchLoop(net).run(8, k -> splitA.get(k % 2), k -> splitB.get(k % 2), (iteration, phase, loss) -> {
            assertTrue(Double.isFinite(loss), "iteration " + iteration);
            phases.add(phase);
            java.util.Map<String, INDArray> now = snapshot(net);
            alphaMoved.add(!previous[0].get("res5a_branch2b_alpha").equals(now.get("res5a_branch2b_alpha")));
            if (phase == Phase.ARCHITECTURE) {
                for (String p : now.keySet()) {
                    if (!p.endsWith("_alpha")) {
                        assertEquals(previous[0].get(p), now.get(p), p + " (backbone, neck, shared heads) is left alone by an architecture step");
                    }
                }
            }
            previous[0] = now;
        });
        Phase w = Phase.WEIGHTS;
        Phase a = Phase.ARCHITECTURE;
        assertEquals(List.of(w, w, w, a, w, a, w, a), phases, "alpha frozen for 2 iterations, then one for one");
        assertEquals(List.of(false, false, false, true, false, true, false, true), alphaMoved);
        assertEquals(8, net.getConfiguration().getIterationCount());

        Genotype genotype = GenotypeDecoder.decode(net, supernet);
        assertEquals(3, genotype.layers().size());
        TransformedBackbone transformed = new TransformedBackbone(TINY, genotype);
        ComputationGraph retrain = new ComputationGraph(RetinaNetBuilder.build(spec, transformed, new TrainingSettings(new Adam(1e-3), 1e-4, 10, 43)));
        retrain.init();
        PretrainedLoadReport retrainReport = PretrainedWeights.of(pretrained, "plain detector").loadInto(retrain, PretrainedWeights.layersOf(transformed));
        assertTrue(retrainReport.leftAtInitialisation().isEmpty(), "all of the plain detector fits the transformed one");
        assertEquals(ParameterCount.of(pretrained), ParameterCount.of(retrain), "the transformed detector costs what the plain one does");
        double before = retrain.score(splitA.get(0));
        retrain.fit(splitA.get(0));
        assertNotEquals(before, retrain.score(splitA.get(0)));
    }
}

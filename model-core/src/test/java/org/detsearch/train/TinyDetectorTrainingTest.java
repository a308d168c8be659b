package org.detsearch.train;

import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.ParameterCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole detector graph, tiny, fitting a few synthetic images: its outputs line up with the anchors and it learns. */
class TinyDetectorTrainingTest {
    @Test
    void aTinyRetinaNetLearnsSyntheticShapes(@TempDir Path tmp) throws Exception {
        SyntheticDetectionBatch data = SyntheticDetectionBatch.generate(tmp, 4, 128, AnchorSpec.EFFICIENTDET);
        DetectorSpec spec = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0), 16, 1, 0,
                AnchorSpec.EFFICIENTDET, data.numClasses(), 128);
        ComputationGraph net = new ComputationGraph(spec.graph(new TrainingSettings(new Adam(3e-3), 4e-5, 10.0, 42)));
        net.init();
        assertTrue(ParameterCount.of(net).trainable() < 300_000, "a tiny model for a unit test");
        MultiDataSet batch = data.batch();
        AnchorGrid anchors = new AnchorGrid(spec.anchors(), 128, 128);
        assertEquals(anchors.size() * spec.numClasses(), net.output(false, batch.getFeatures(0))[0].size(1),
                "class outputs = anchors x classes, in anchor order");

        double[] loss = data.lossBeforeAndAfter(net, 40);
        double initial = loss[0];
        double trained = loss[1];
        assertTrue(Double.isFinite(trained));
        assertTrue(trained < 0.5 * initial, "loss " + initial + " -> " + trained);
    }
}

package org.detsearch.train;

import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
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
        SyntheticDetectionImages synthetic = SyntheticDetectionImages.generate(tmp, 3, 4, 128);
        DetectorSpec spec = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0), 16, 1, 0,
                AnchorSpec.EFFICIENTDET, synthetic.numClasses(), 128);
        ComputationGraph net = new ComputationGraph(spec.graph(new TrainingSettings(new Adam(3e-3), 4e-5, 10.0, 42)));
        net.init();
        assertTrue(ParameterCount.of(net).trainable() < 300_000, "a tiny model for a unit test");

        AnchorGrid anchors = new AnchorGrid(spec.anchors(), 128, 128);
        MultiDataSet batch = new DetectionBatches(new TargetEncoder(anchors, spec.numClasses())).batch(synthetic.images());
        assertEquals(anchors.size() * spec.numClasses(), net.output(false, batch.getFeatures(0))[0].size(1),
                "class outputs = anchors x classes, in anchor order");

        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        double initial = net.score();
        for (int i = 0; i < 40; i++) {
            net.fit(batch);
        }
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        double trained = net.score();
        assertTrue(Double.isFinite(trained));
        assertTrue(trained < 0.5 * initial, "loss " + initial + " -> " + trained);
    }
}

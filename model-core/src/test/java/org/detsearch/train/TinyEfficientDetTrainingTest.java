package org.detsearch.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.EfficientNetSpec;
import org.detsearch.backbone.MBConvStage;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.model.EfficientDetBuilder;
import org.detsearch.model.EfficientDetSpec;
import org.detsearch.model.ParameterCount;
import org.detsearch.model.TrainingSettings;
import org.detsearch.neck.FusionMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A whole EfficientDet, scaled down, fitting a few synthetic images at 128 px: the loss falls clearly. */
class TinyEfficientDetTrainingTest {
    @Test
    void aTinyEfficientDetLearnsSyntheticShapes(@TempDir Path tmp) throws Exception {
        SyntheticDetectionBatch data = SyntheticDetectionBatch.generate(tmp, 4, 128, AnchorSpec.EFFICIENTDET);
        // EfficientNet at width 0.25 with one block per stage, a 16-channel BiFPN of 1 cell, heads of 1 repeat
        EfficientDetSpec spec = new EfficientDetSpec("tiny", new EfficientNetSpec("tiny", 0.25, 0.1, 128, 0, 0, MBConvStage.B0, 0),
                16, 1, 1, FusionMethod.FAST_ATTENTION, AnchorSpec.EFFICIENTDET, data.numClasses(), 128);
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = EfficientDetBuilder.build(spec,
                new TrainingSettings(new Adam(5e-3), 4e-5, 10.0, 42));
        // a short run: batch-norm statistics at 0.9 (the reference's 0.99 would leave inference's near their start)
        org.detsearch.model.BatchNorms.setDecay(conf, 0.9);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        double untrained = data.images().ap50(net, spec.anchors());
        assertTrue(ParameterCount.of(net).trainable() < 150_000, "a tiny model for a unit test");
        // four images and 60 steps keep it cheap (a step costs ~0.5 s on a free core here, several times that when shared)
        double[] loss = data.lossBeforeAndAfter(net, 60);
        assertTrue(Double.isFinite(loss[1]));
        assertTrue(loss[1] < 0.5 * loss[0], "loss " + loss[0] + " -> " + loss[1]);
        double trained = data.images().ap50(net, spec.anchors());
        assertTrue(trained > untrained + 0.3, "AP50 on the images it learnt: " + untrained + " untrained -> " + trained);
    }
}

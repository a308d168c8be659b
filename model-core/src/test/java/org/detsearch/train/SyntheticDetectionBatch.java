package org.detsearch.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.nio.file.Path;

/**
 * A few generated synthetic training images (seed 3) of {@code size} px (evaluation transform, no augmentation) as one
 * detector minibatch with its targets for {@code anchors}: what the tiny-detector training tests fit.
 */
record SyntheticDetectionBatch(MultiDataSet batch, int numClasses, SyntheticDetectionImages images) {
    static SyntheticDetectionBatch generate(Path folder, int images, int size, AnchorSpec anchors) throws Exception {
        SyntheticDetectionImages synthetic = SyntheticDetectionImages.generate(folder, 3, images, size);
        TargetEncoder encoder = new TargetEncoder(new AnchorGrid(anchors, size, size), synthetic.numClasses());
        return new SyntheticDetectionBatch(new DetectionBatches(encoder).batch(synthetic.images()), synthetic.numClasses(), synthetic);
    }

    /** The training loss on the batch before and after {@code steps} fits to it. */
    double[] lossBeforeAndAfter(ComputationGraph net, int steps) {
        double initial = loss(net);
        for (int i = 0; i < steps; i++) {
            net.fit(batch);
        }
        return new double[] {initial, loss(net)};
    }

    private double loss(ComputationGraph net) {
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        return net.score();
    }
}

package org.detsearch.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The detector's raw predictions for a batch of images: class logits and box regressions in anchor order.
 * Everything that runs a trained detector goes through here, because DL4J 1.0.0-M2.1's {@code output()} with
 * inference workspaces gives this graph wrong logits (up to 0.03 off; RetinaNetWorkspaceTest), while its forward
 * pass is right; turning inference workspaces off instead breaks training with workspaces (a leaked-workspace
 * error in the gradient norm).
 */
public final class DetectorOutputs {
    private DetectorOutputs() {
    }

    /** @return {class logits [batch, anchors x classes], box regressions [batch, anchors x 4]} */
    public static INDArray[] predict(ComputationGraph net, INDArray images) {
        // label masks of the last fit stay on the loss layers and would be applied to these outputs
        net.clearLayerMaskArrays();
        Map<String, INDArray> activations = net.feedForward(images, false);
        return new INDArray[] {activations.get(DetectorSpec.CLASS_OUTPUT), activations.get(DetectorSpec.BOX_OUTPUT)};
    }
}

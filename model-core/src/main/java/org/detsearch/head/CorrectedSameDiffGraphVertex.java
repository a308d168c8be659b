package org.detsearch.head;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's SameDiff graph vertex with its gradients corrected. In DL4J 1.0.0-M2/M2.1 a SameDiff vertex returns
 * gradients (for its parameters and its inputs) exactly twice too large: its gradient function adds the incoming
 * error to itself. Scaling the incoming error by {@link SameDiffGradientProbe#correction()} before backprop fixes
 * both; the factor is measured once on a one-parameter probe, so a DL4J that fixes the bug gets 1.0 here.
 */
public class CorrectedSameDiffGraphVertex extends SameDiffGraphVertex {
    public CorrectedSameDiffGraphVertex(SameDiffVertex config, ComputationGraph graph, String name, int index,
                                        INDArray paramsView, boolean initParams, DataType dataType) {
        super(config, graph, name, index, paramsView, initParams, dataType);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        double correction = SameDiffGradientProbe.correction();
        if (correction != 1.0) {
            setEpsilon(getEpsilon().mul(correction));
        }
        return super.doBackward(tbptt, workspaceMgr);
    }
}

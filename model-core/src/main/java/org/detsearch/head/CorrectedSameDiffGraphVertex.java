package org.detsearch.head;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.workspace.ArrayType;

/**
 * DL4J's SameDiff graph vertex with two DL4J 1.0.0-M2/M2.1 bugs worked around.
 * <ul>
 * <li>Gradients (for its parameters and its inputs) come back exactly twice too large: its gradient function
 * adds the incoming error to itself. Scaling the incoming error by {@link SameDiffGradientProbe#correction()}
 * before backprop fixes both; the factor is measured once on a one-parameter probe, so a DL4J that fixes the bug
 * gets 1.0 here.</li>
 * <li>With the graph's workspaces, SameDiff's sessions keep arrays from the previous iteration that live in
 * workspace memory; once the workspace has grown (the second iteration at 256x256 already) backprop reads freed
 * memory: wrong losses, or the JVM dies in native code (SIGSEGV in a ReLU). SameDiff therefore runs scoped out of all
 * workspaces here, and only its results are copied into the graph's workspaces.</li>
 * <li>The vertex never keeps its whole gradient view ({@code getGradientsViewArray()} stays null), so DL4J's per-layer
 * gradient clipping silently skips it; it keeps it here.</li>
 * </ul>
 */
public class CorrectedSameDiffGraphVertex extends SameDiffGraphVertex {
    public CorrectedSameDiffGraphVertex(SameDiffVertex config, ComputationGraph graph, String name, int index,
                                        INDArray paramsView, boolean initParams, DataType dataType) {
        super(config, graph, name, index, paramsView, initParams, dataType);
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        super.setBackpropGradientsViewArray(backpropGradientsViewArray);
        gradients = backpropGradientsViewArray;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray output;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            output = super.doForward(training, LayerWorkspaceMgr.noWorkspaces());
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, output);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        double correction = SameDiffGradientProbe.correction();
        Pair<Gradient, INDArray[]> result;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (correction != 1.0) {
                setEpsilon(getEpsilon().mul(correction));
            }
            result = super.doBackward(tbptt, LayerWorkspaceMgr.noWorkspaces());
        }
        INDArray[] inputGradients = result.getSecond();
        for (int i = 0; i < inputGradients.length; i++) {
            inputGradients[i] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, inputGradients[i]);
        }
        return result;
    }
}

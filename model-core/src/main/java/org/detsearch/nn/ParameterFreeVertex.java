package org.detsearch.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A graph vertex without parameters whose forward and backward passes are written by hand in ND4J. For such ops
 * (resampling, slicing, gating, drop-connect) this is simpler and faster than a SameDiff vertex, and it has none of
 * SameDiff's DL4J M2.1 bugs (doubled gradients, freed workspace memory). A subclass says what it computes through a
 * {@link Computation}, one per network instance, which may keep what its backward pass needs. Results are created
 * in the graph's workspaces the way DL4J's own vertices create them (activations during forward, activation
 * gradients during backward). Config fields are bean properties: DL4J serialises vertex configurations through them.
 */
public abstract class ParameterFreeVertex extends GraphVertex {
    /** One network's forward and backward pass; never returns an input array itself (copies instead). */
    public interface Computation {
        INDArray forward(INDArray[] inputs, boolean training);

        /** Gradients of the inputs from the gradient of the output, after a forward pass on the same inputs. */
        INDArray[] backward(INDArray[] inputs, INDArray outputGradient);
    }

    /** A fresh computation for one network instance. */
    protected abstract Computation computation();

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    /** One input unless a subclass says otherwise. */
    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Runtime(graph, name, idx, computation(), networkDatatype);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], getOutputType(-1, inputTypes))
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** Equal when of the same class: right for vertices without configuration; subclasses with fields extend it. */
    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().getName().hashCode();
    }

    static final class Runtime extends BaseGraphVertex {
        private final Computation computation;

        Runtime(ComputationGraph graph, String name, int index, Computation computation, DataType dataType) {
            super(graph, name, index, null, null, dataType);
            this.computation = computation;
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public Layer getLayer() {
            return null;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoForward()) {
                throw new IllegalStateException("vertex " + vertexName + ": inputs not set");
            }
            try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
                return computation.forward(inputs, training);
            }
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoBackward()) {
                throw new IllegalStateException("vertex " + vertexName + ": output gradient not set");
            }
            try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
                return new Pair<>(null, computation.backward(inputs, epsilon));
            }
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) {
                throw new IllegalStateException("vertex " + vertexName + " has no parameters, so no gradients");
            }
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                               int minibatchSize) {
            return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "(" + vertexName + ")";
        }
    }
}

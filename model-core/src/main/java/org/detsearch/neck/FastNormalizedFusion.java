package org.detsearch.neck;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.detsearch.model.CountsMultiplyAdds;
import org.detsearch.nn.SameDiffVertexSettings;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.List;
import java.util.Map;

/**
 * BiFPN's fast normalised fusion of n same-shaped feature maps: {@code O = sum_i w'_i I_i} with
 * {@code w'_i = relu(w_i) / (sum_j relu(w_j) + 1e-4)}, one trainable scalar per input, initialised to 1
 * (the reference's {@code fastattn}).
 * <p>
 * The configuration is a {@link SameDiffVertex} only for DL4J's parameter plumbing (parameter and gradient views,
 * updater, gradient normalisation); the math is written by hand in {@link Runtime}, not run by SameDiff: a handful of
 * element-wise ops, 24 of them in a D0, would otherwise pay SameDiff's per-call overhead and its doubled gradients.
 * The weights are not weight-decayed (the reference decays kernels only). Counted as n multiply-adds per output
 * element (the weighted sum).
 */
public class FastNormalizedFusion extends SameDiffVertex implements CountsMultiplyAdds {
    /** The reference's epsilon in the normalisation. */
    public static final double EPSILON = 1e-4;
    private static final String WEIGHTS = "w";

    private int inputs;

    public FastNormalizedFusion() {
    }

    public FastNormalizedFusion(int inputs) {
        if (inputs < 2) {
            throw new IllegalArgumentException("fusion needs at least two inputs, got " + inputs);
        }
        this.inputs = inputs;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        String[] names = new String[inputs];
        for (int i = 0; i < inputs; i++) {
            names[i] = "in" + i;
        }
        params.defineInputs(names);
        params.addWeightParam(WEIGHTS, 1, inputs);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(WEIGHTS).assign(1);
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> layerInput, Map<String, SDVariable> paramTable,
                                   Map<String, SDVariable> maskVars) {
        throw new UnsupportedOperationException("FastNormalizedFusion is computed by hand (FastNormalizedFusion.Runtime), not by SameDiff");
    }

    /** Fusion weights are not decayed. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return null;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        for (InputType input : vertexInputs) {
            if (!input.equals(vertexInputs[0])) {
                throw new InvalidInputTypeException("fusion inputs must have the same shape, got " + java.util.Arrays.toString(vertexInputs));
            }
        }
        return vertexInputs[0];
    }

    @Override
    public long multiplyAdds(InputType output, InputType... inputTypes) {
        return inputTypes.length * output.arrayElementsPerExample();
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        // the superclass records the vertex name (its private field; the updater finds vertices by it); its
        // SameDiff runtime vertex is dropped unused
        super.instantiate(graph, name, idx, paramsView, false, networkDatatype);
        return new Runtime(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public FastNormalizedFusion clone() {
        return SameDiffVertexSettings.copy(this, new FastNormalizedFusion(inputs));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastNormalizedFusion f && f.inputs == inputs && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + inputs;
    }

    public int getInputs() {
        return inputs;
    }

    public void setInputs(int inputs) {
        this.inputs = inputs;
    }

    /** The vertex at run time: forward and backward by hand on the parameter views DL4J handed to the superclass. */
    static final class Runtime extends SameDiffGraphVertex {
        Runtime(FastNormalizedFusion config, ComputationGraph graph, String name, int index, INDArray paramsView,
                boolean initParams, DataType dataType) {
            super(config, graph, name, index, paramsView, initParams, dataType);
        }

        /** relu(w_i) and their sum + epsilon, last. */
        private double[] rectifiedWeights() {
            INDArray w = paramTable.get(WEIGHTS);
            int n = (int) w.length();
            double[] r = new double[n + 1];
            double sum = EPSILON;
            for (int i = 0; i < n; i++) {
                r[i] = Math.max(0, w.getDouble(i));
                sum += r[i];
            }
            r[n] = sum;
            return r;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            double[] r = rectifiedWeights();
            double sum = r[inputs.length];
            try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
                INDArray out = inputs[0].mul(r[0] / sum);
                for (int i = 1; i < inputs.length; i++) {
                    out.addi(inputs[i].mul(r[i] / sum));
                }
                return out;
            }
        }

        /**
         * dL/dI_i = g r_i / S; dL/dw_i = [w_i > 0] (d_i - sum_j r_j d_j / S) / S with d_i = sum(g * I_i) and
         * S = sum_j r_j + eps (a zero-or-negative weight gets no gradient, as TF's relu gives at 0).
         */
        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            double[] r = rectifiedWeights();
            int n = inputs.length;
            double sum = r[n];
            INDArray w = paramTable.get(WEIGHTS);
            INDArray dw = gradTable.get(WEIGHTS);
            double[] d = new double[n];
            double weighted = 0;
            INDArray[] inputGradients = new INDArray[n];
            try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
                for (int i = 0; i < n; i++) {
                    d[i] = epsilon.mul(inputs[i]).sumNumber().doubleValue();
                    weighted += r[i] * d[i];
                    inputGradients[i] = epsilon.mul(r[i] / sum);
                }
            }
            for (int i = 0; i < n; i++) {
                dw.putScalar(i, w.getDouble(i) > 0 ? (d[i] - weighted / sum) / sum : 0);
            }
            Gradient gradient = new DefaultGradient();
            gradient.gradientForVariable().put(WEIGHTS, dw);
            return new Pair<>(gradient, inputGradients);
        }

        /** Also keeps the whole view, which DL4J's per-layer gradient clipping reads (SameDiff vertices leave it null). */
        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            super.setBackpropGradientsViewArray(backpropGradientsViewArray);
            gradients = backpropGradientsViewArray;
        }

        @Override
        public String toString() {
            return "FastNormalizedFusion(" + getVertexName() + ")";
        }
    }
}

package org.detsearch.head;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

/**
 * Measures, once per JVM, by how much DL4J's SameDiff vertices over-scale their gradients: a vertex y = w * x
 * with w = 1, x = 1, under the loss sum(y) has dL/dw = 1; the reciprocal of what the library reports is the
 * correction (0.5 on DL4J 1.0.0-M2.1).
 */
public final class SameDiffGradientProbe {
    private static final class Lazy {
        static final double CORRECTION = measure();
    }

    private SameDiffGradientProbe() {
    }

    public static double correction() {
        return Lazy.CORRECTION;
    }

    private static double measure() {
        // Runs in its own little network: keep it out of any workspace of the network that triggered it.
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return probe();
        }
    }

    private static double probe() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(1))
                .addVertex("probe", new ScaleVertex(), "x")
                .addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.L1).activation(Activation.IDENTITY).build(), "probe")
                .setOutputs("loss").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray one = Nd4j.ones(DataType.DOUBLE, 1, 1);
        // |w x - 0| with w x = 1 > 0: dL/dw = 1
        graph.setInputs(one);
        graph.setLabels(Nd4j.zeros(DataType.DOUBLE, 1, 1));
        graph.computeGradientAndScore();
        double reported = graph.gradient().getGradientFor("probe_w").getDouble(0);
        return 1.0 / reported;
    }

    /** y = w * x with one scalar parameter w = 1, uncorrected. */
    public static final class ScaleVertex extends SameDiffVertex {
        @Override
        public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> inputs, Map<String, SDVariable> params,
                                       Map<String, SDVariable> masks) {
            return inputs.get("in").mul(params.get("w"));
        }

        @Override
        public void defineParametersAndInputs(SDVertexParams params) {
            params.defineInputs("in");
            params.addWeightParam("w", 1, 1);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("w").assign(1);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... inputs) {
            return inputs[0];
        }

        @Override
        public ScaleVertex clone() {
            return new ScaleVertex();
        }
    }
}

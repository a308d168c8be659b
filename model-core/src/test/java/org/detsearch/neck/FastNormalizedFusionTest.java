package org.detsearch.neck;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.nn.DoublePrecision;
import org.detsearch.nn.GradientChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class FastNormalizedFusionTest {
    /** Three 3x3 maps, each through its own 1x1 conv (tanh), fused, pooled, classified. */
    private static ComputationGraph fusingThree(IUpdater updater, GradientNormalization clipping, double threshold) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(4)
                .updater(updater).l2(0.5).gradientNormalization(clipping).gradientNormalizationThreshold(threshold)
                .graphBuilder().addInputs("a", "b", "c")
                .setInputTypes(InputType.convolutional(3, 3, 2), InputType.convolutional(3, 3, 2), InputType.convolutional(3, 3, 2))
                .addLayer("ca", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "a")
                .addLayer("cb", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "b")
                .addLayer("cc", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "c")
                .addVertex("fuse", new FastNormalizedFusion(3), "ca", "cb", "cc")
                .addLayer("pool", new GlobalPoolingLayer.Builder().build(), "fuse")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static INDArray[] inputs() {
        Nd4j.getRandom().setSeed(9);
        return new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3), Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3), Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3)};
    }

    private static final INDArray[] LABELS = {Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}})};

    @Test
    void outputIsTheRectifiedNormalisedWeightedSum() {
        ComputationGraph net = fusingThree(new NoOp(), GradientNormalization.None, 1);
        net.getVertex("fuse").paramTable(false).get("w").assign(Nd4j.createFromArray(new double[][] {{2, -1, 0.5}}));
        INDArray[] x = inputs();
        java.util.Map<String, INDArray> activations = net.feedForward(x, false);
        INDArray expected = activations.get("ca").mul(2).addi(activations.get("cc").mul(0.5)).divi(2.5 + FastNormalizedFusion.EPSILON);
        assertTrue(expected.equalsWithEps(activations.get("fuse"), 1e-12));
    }

    @Test
    void gradientsAreRightForWeightsAndInputs() {
        ComputationGraph net = fusingThree(new NoOp(), GradientNormalization.None, 1);
        // a negative weight (relu'd to 0, no gradient) next to two positive ones
        net.getVertex("fuse").paramTable(false).get("w").assign(Nd4j.createFromArray(new double[][] {{0.7, -0.5, 1.3}}));
        assertTrue(GradientChecks.check(net, inputs(), LABELS));
    }

    @Test
    void fusionWeightsStartAtOneAndAreNotDecayed() {
        ComputationGraph net = fusingThree(new NoOp(), GradientNormalization.None, 1);
        assertEquals(Nd4j.ones(DataType.DOUBLE, 1, 3), net.getVertex("fuse").paramTable(false).get("w"));
        FastNormalizedFusion fusion = (FastNormalizedFusion) net.getConfiguration().getVertices().get("fuse");
        assertNull(fusion.getRegularizationByParam("w"), "the reference decays kernels only");
        assertEquals(1, ((org.deeplearning4j.nn.conf.graph.LayerVertex) net.getConfiguration().getVertices().get("ca"))
                .getLayerConf().getLayer().getRegularizationByParam("W").size(), "kernels are");
    }

    /** DL4J's per-layer clipping reads a vertex's whole gradient view, which DL4J's SameDiff vertices leave unset. */
    @Test
    void perLayerGradientClippingReachesTheFusionWeights() {
        ComputationGraph clipped = fusingThree(new Sgd(1.0), GradientNormalization.ClipL2PerLayer, 1e-3);
        ComputationGraph free = fusingThree(new Sgd(1.0), GradientNormalization.None, 1);
        INDArray before = clipped.getVertex("fuse").params().dup();
        org.nd4j.linalg.dataset.MultiDataSet data = new org.nd4j.linalg.dataset.MultiDataSet(inputs(), LABELS);
        clipped.fit(data);
        free.fit(data);
        double clippedStep = clipped.getVertex("fuse").params().sub(before).norm2Number().doubleValue();
        double freeStep = free.getVertex("fuse").params().sub(before).norm2Number().doubleValue();
        assertTrue(clippedStep <= 1e-3 + 1e-12, "clipped step " + clippedStep);
        assertTrue(freeStep > 10 * clippedStep, "unclipped step " + freeStep);
    }

    @Test
    void theConfigurationSurvivesJsonAndCloning() {
        ComputationGraphConfiguration conf = fusingThree(new Sgd(0.1), GradientNormalization.ClipL2PerParamType, 2).getConfiguration();
        for (ComputationGraphConfiguration copy : new ComputationGraphConfiguration[] {ComputationGraphConfiguration.fromJson(conf.toJson()), conf.clone()}) {
            FastNormalizedFusion fusion = (FastNormalizedFusion) copy.getVertices().get("fuse");
            assertEquals(3, fusion.getInputs());
            assertEquals(new Sgd(0.1), fusion.getUpdater());
            assertEquals(GradientNormalization.ClipL2PerParamType, fusion.getGradientNormalization());
            assertEquals(2, fusion.getGradientNormalizationThreshold());
        }
    }

    @Test
    void inputsOfDifferentShapesAreRejected() {
        InvalidInputTypeException e = assertThrows(InvalidInputTypeException.class, () -> new FastNormalizedFusion(2)
                .getOutputType(0, InputType.convolutional(4, 4, 8), InputType.convolutional(2, 2, 8)));
        assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FastNormalizedFusion(1));
    }
}

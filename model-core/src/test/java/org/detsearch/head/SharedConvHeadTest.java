package org.detsearch.head;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.detection.FocalLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedConvHeadTest {
    private static DataType previous;

    @BeforeAll
    static void doublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    /** Two pyramid levels (4x4 and 2x2, 3 channels) into one shared class head: 2 anchors x 3 classes. */
    private static ComputationGraphConfiguration twoLevels(int depth) {
        return twoLevels(3, depth, 0);
    }

    private static ComputationGraphConfiguration twoLevels(int channels, int depth, int groupNormGroups) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(5).updater(new NoOp()).graphBuilder()
                .addInputs("p3", "p4")
                .setInputTypes(InputType.convolutional(4, 4, channels), InputType.convolutional(2, 2, channels))
                .addVertex("head", SharedConvHead.classNet(2, channels, depth, 2, 3, groupNormGroups), "p3", "p4")
                .addLayer("loss", new LossLayer.Builder().lossFunction(new FocalLoss()).activation(Activation.IDENTITY).build(), "head")
                .setOutputs("loss").build();
    }

    @Test
    void theLibraryBugIsMeasuredNotAssumed() {
        assertEquals(0.5, SameDiffGradientProbe.correction(), 1e-12, "DL4J M2.1 doubles SameDiff gradients");
    }

    @Test
    void outputsAreAllLevelsInAnchorOrderWithOneSetOfWeights() {
        ComputationGraph net = new ComputationGraph(twoLevels(1));
        net.init();
        INDArray p3 = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 4);
        INDArray p4 = Nd4j.rand(DataType.DOUBLE, 2, 3, 2, 2);
        INDArray both = net.outputSingle(p3, p4);
        assertArrayEquals(new long[] {2, (16 + 4) * 6}, both.shape());
        // The same head on one level with the same parameters gives exactly the first 96 outputs: shared weights.
        ComputationGraph single = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("p3").setInputTypes(InputType.convolutional(4, 4, 3))
                .addVertex("head", SharedConvHead.classNet(1, 3, 1, 2, 3, 0), "p3")
                .addLayer("loss", new LossLayer.Builder().activation(Activation.IDENTITY).build(), "head")
                .setOutputs("loss").build());
        single.init();
        single.setParams(net.params());
        assertEquals(net.params().length(), single.params().length(), "parameters do not grow with the number of levels");
        INDArray alone = single.outputSingle(p3);
        assertEquals(alone, both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 96)));
        // the prior: every anchor starts at probability 0.01 where the convolutions contribute little
        assertTrue(Math.abs(both.meanNumber().doubleValue() + Math.log(99)) < 0.1);
    }

    @Test
    void multiplyAddsAreTheConvolutionsOnEveryLevel() {
        long perPosition = 9 * 3 * (2 * 3 + 2 * 3); // two 3x3 3 -> 3 convolutions, the 3x3 predictor 3 -> 2 anchors x 3 classes
        assertEquals((16 + 4) * perPosition, org.detsearch.model.MultiplyAdds.of(twoLevels(2),
                InputType.convolutional(4, 4, 3), InputType.convolutional(2, 2, 3)).total());
    }

    @Test
    void gradientsAreRightForWeightsSharedAcrossLevels() {
        ComputationGraph net = new ComputationGraph(twoLevels(2));
        assertTrue(gradientsCheck(net, 3));
    }

    /** Double-precision gradient check on random 4x4 and 2x2 inputs of {@code channels} channels, two images. */
    private static boolean gradientsCheck(ComputationGraph net, int channels) {
        net.init();
        // make the weights large enough that every layer matters in the check
        net.params().muli(30);
        Nd4j.getRandom().setSeed(7);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 120);
        labels.putScalar(0, 5, 1);
        labels.putScalar(1, 100, 1);
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, channels, 4, 4), Nd4j.rand(DataType.DOUBLE, 2, channels, 2, 2)})
                .labels(new INDArray[] {labels}).epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8));
    }

    @Test
    void gradientsAreRightWithGroupNormalisation() {
        ComputationGraph net = new ComputationGraph(twoLevels(4, 2, 2));
        assertTrue(gradientsCheck(net, 4));
    }

    /**
     * Convolutions without bias (as initialised) then group norm: scaling every input changes nothing (inputs large
     * enough that the 1e-5 in the variance does not show).
     */
    @Test
    void groupNormalisationMakesTheHeadBlindToTheInputScale() {
        ComputationGraph normalised = new ComputationGraph(twoLevels(4, 2, 2));
        normalised.init();
        ComputationGraph plain = new ComputationGraph(twoLevels(4, 2, 0));
        plain.init();
        INDArray p3 = Nd4j.rand(DataType.DOUBLE, 2, 4, 4, 4).muli(10);
        INDArray p4 = Nd4j.rand(DataType.DOUBLE, 2, 4, 2, 2).muli(10);
        INDArray once = normalised.outputSingle(p3, p4);
        INDArray tenfold = normalised.outputSingle(p3.mul(10), p4.mul(10));
        assertEquals(0, once.sub(tenfold).amaxNumber().doubleValue(), 1e-5);
        assertTrue(plain.outputSingle(p3, p4).sub(plain.outputSingle(p3.mul(10), p4.mul(10))).amaxNumber().doubleValue() > 1e-4,
                "without normalisation the scale shows");
        assertEquals(plain.params().length() + 2 * 2 * 4, normalised.params().length(), "a scale and a shift per channel and convolution");
    }

    /**
     * The gradients the head hands back to the layers before it (its input gradients), checked through a 1x1
     * convolution per level: the parameter check alone would not see a wrong error flowing into the backbone.
     */
    @Test
    void gradientsFlowBackIntoTheLayersFeedingTheHead() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(5)
                .updater(new NoOp()).graphBuilder()
                .addInputs("c3", "c4")
                .setInputTypes(InputType.convolutional(4, 4, 2), InputType.convolutional(2, 2, 2))
                .addLayer("p3", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "c3")
                .addLayer("p4", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "c4")
                .addVertex("head", SharedConvHead.classNet(2, 3, 1, 2, 3, 0), "p3", "p4")
                .addLayer("loss", new LossLayer.Builder().lossFunction(new FocalLoss()).activation(Activation.IDENTITY).build(), "head")
                .setOutputs("loss").build());
        assertTrue(gradientsCheck(net, 2));
    }

    /** One SGD step at rate 1 with the gradient clipped to 1e-3 per layer: the head moves by no more than that. */
    @Test
    void perLayerGradientClippingReachesTheHead() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(5)
                .updater(new org.nd4j.linalg.learning.config.Sgd(1.0))
                .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(1e-3).graphBuilder()
                .addInputs("c3", "c4").setInputTypes(InputType.convolutional(4, 4, 2), InputType.convolutional(2, 2, 2))
                // a layer per level: DL4J's fit() does nothing for a graph whose only parameters are a SameDiff vertex's
                .addLayer("p3", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "c3")
                .addLayer("p4", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "c4")
                .addVertex("head", SharedConvHead.classNet(2, 3, 1, 2, 3, 0), "p3", "p4")
                .addLayer("loss", new LossLayer.Builder().lossFunction(new FocalLoss()).activation(Activation.IDENTITY).build(), "head")
                .setOutputs("loss").build());
        net.init();
        java.util.Map<String, INDArray> before = new java.util.HashMap<>();
        net.paramTable().forEach((name, value) -> before.put(name, value.dup()));
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 120);
        labels.putScalar(0, 5, 1);
        net.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 4, 4),
                Nd4j.rand(DataType.DOUBLE, 2, 2, 2, 2)}, new INDArray[] {labels}));
        double squared = 0;
        for (java.util.Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (p.getKey().startsWith("head_")) {
                squared += Math.pow(p.getValue().sub(before.get(p.getKey())).norm2Number().doubleValue(), 2);
            }
        }
        double step = Math.sqrt(squared);
        assertTrue(step > 1e-5 && step <= 1e-3 * (1 + 1e-9), "the head's update has L2 norm " + step);
    }

    @Test
    void theConfigurationSurvivesJsonRoundTrip() {
        ComputationGraphConfiguration conf = twoLevels(2);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        SharedConvHead head = (SharedConvHead) back.getVertices().get("head");
        assertEquals(2, head.getDepth());
        assertEquals(3, head.getOutputsPerAnchor());
        assertEquals(-Math.log(99), head.getPredictorBias(), 1e-12);
        SharedConvHead normalised = (SharedConvHead) ComputationGraphConfiguration.fromJson(twoLevels(4, 1, 2).toJson())
                .getVertices().get("head");
        assertEquals(2, normalised.getGroupNormGroups());
    }
}

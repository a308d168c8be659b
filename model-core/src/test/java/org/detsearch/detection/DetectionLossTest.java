package org.detsearch.detection;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detection losses: values worked out by hand, and gradient checks inside a real DL4J network. */
class DetectionLossTest {
    private static DataType previous;

    @org.junit.jupiter.api.BeforeAll
    static void doublePrecision() {
        // GradientCheckUtil insists on double as ND4J's default type; restored afterwards for other tests
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @org.junit.jupiter.api.AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    @Test
    void focalLossOfAnUncertainPositiveMatchesTheFormula() {
        // logit 0 -> p = 0.5; y = 1: alpha_t = 0.25, (1 - p_t)^1.5 = 0.5^1.5, CE = log 2; one positive -> / (1 + 1)
        INDArray labels = Nd4j.create(new double[][] {{1, 0}});
        INDArray logits = Nd4j.create(new double[][] {{0, -20}});
        double expected = 0.25 * Math.pow(0.5, 1.5) * Math.log(2) / 2;
        double score = new FocalLoss().computeScore(labels, logits, new ActivationIdentity(), null, true);
        assertEquals(expected, score, 1e-9, "the confident background logit adds ~nothing");
    }

    @Test
    void ignoredAnchorsAddNothingAndSmoothingOnlyTouchesTheCrossEntropy() {
        INDArray labels = Nd4j.create(new double[][] {{0, 0, 1}});
        INDArray logits = Nd4j.create(new double[][] {{3, -1, 2}});
        INDArray mask = Nd4j.create(new double[][] {{0, 1, 1}});
        FocalLoss loss = new FocalLoss();
        double masked = loss.computeScore(labels, logits, new ActivationIdentity(), mask, true);
        double without = loss.computeScore(labels, logits.dup().putScalar(0, 0, -50), new ActivationIdentity(), null, true);
        assertEquals(without, masked, 1e-9, "a masked anchor is as good as a perfect one");
        assertTrue(new FocalLoss(0.25, 1.5, 0.1).computeScore(labels, logits, new ActivationIdentity(), mask, true) > masked);
    }

    @Test
    void huberBoxLossIsQuadraticInsideDeltaAndLinearOutside() {
        // two positive anchors' targets, errors 0.05 (quadratic: 0.5 * 0.05^2) and 0.3 (linear: 0.1 * 0.3 - 0.005)
        INDArray targets = Nd4j.create(new double[][] {{1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}});
        INDArray outputs = Nd4j.create(new double[][] {{1.05, 1, 1, 1, 0.8, 0.5, 0.5, 0.5}});
        INDArray mask = Nd4j.ones(1, 8);
        double sum = 0.5 * 0.05 * 0.05 + (0.1 * 0.3 - 0.5 * 0.1 * 0.1);
        double expected = 50 * sum / (4 * (2 + 1));
        assertEquals(expected, new HuberBoxLoss().computeScore(targets, outputs, new ActivationIdentity(), mask, true), 1e-9);
    }

    private static MultiLayerNetwork net(int outputs, ILossFunction loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(12).weightInit(WeightInit.XAVIER)
                .updater(new org.nd4j.linalg.learning.config.NoOp())
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(7).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().nIn(7).nOut(outputs).activation(Activation.IDENTITY).lossFunction(loss).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static boolean check(MultiLayerNetwork net, INDArray labels, INDArray mask) {
        INDArray input = Nd4j.rand(DataType.DOUBLE, 4, 5).subi(0.5).muli(4);
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input).labels(labels)
                .labelMask(mask).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
    }

    @Test
    void focalLossGradientsAreRightInADl4jNetwork() {
        Nd4j.getRandom().setSeed(3);
        // 4 images x (2 anchors x 3 classes): a mix of positives, background and one ignored anchor
        INDArray labels = Nd4j.create(new double[][] {
                {1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 1, 0}, {0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 1}});
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 4, 6);
        mask.putRow(2, Nd4j.create(new double[] {1, 1, 1, 0, 0, 0}));
        assertTrue(check(net(6, new FocalLoss()), labels, mask));
        assertTrue(check(net(6, new FocalLoss(0.25, 1.5, 0.1)), labels, mask), "with label smoothing");
    }

    @Test
    void huberBoxLossGradientsAreRightInADl4jNetwork() {
        Nd4j.getRandom().setSeed(4);
        INDArray targets = Nd4j.rand(DataType.DOUBLE, 4, 8).subi(0.5);
        INDArray mask = Nd4j.create(new double[][] {
                {1, 1, 1, 1, 0, 0, 0, 0}, {0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1}});
        assertTrue(check(net(8, new HuberBoxLoss()), targets.mul(mask), mask));
    }
}

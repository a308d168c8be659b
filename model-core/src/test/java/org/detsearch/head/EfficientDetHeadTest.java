package org.detsearch.head;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.detection.FocalLoss;
import org.detsearch.model.ParameterCount;
import org.detsearch.nn.GradientChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EfficientDetHeadTest {
    private static final LevelMosaic THREE = new LevelMosaic(new int[] {4, 2, 1}, new int[] {4, 2, 1});
    private static final int ANCHORS = 2;
    private static final int CLASSES = 2;
    /** Outputs per image: 21 positions x 2 anchors x 2 classes; boxes 21 x 2 x 4. */
    private static final int CLASS_WIDTH = 21 * ANCHORS * CLASSES;
    private static final int BOX_WIDTH = 21 * ANCHORS * 4;

    /** Three levels (4x4, 2x2, 1x1) of 2 input channels, each through its own 1x1 conv (tanh), into a width-2 head. */
    private static ComputationGraph tinyHead(DataType type, IUpdater updater, int depth) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(type).seed(11).updater(updater)
                .graphBuilder().addInputs("c3", "c4", "c5")
                .setInputTypes(InputType.convolutional(4, 4, 2), InputType.convolutional(2, 2, 2), InputType.convolutional(1, 1, 2));
        for (int l = 3; l <= 5; l++) {
            graph.addLayer("p" + l, new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.TANH).build(), "c" + l);
        }
        EfficientDetHead.Outputs heads = new EfficientDetHead(2, depth, ANCHORS, CLASSES, 3, THREE).addTo(graph, List.of("p3", "p4", "p5"));
        graph.addLayer("class", new LossLayer.Builder().lossFunction(new FocalLoss()).activation(Activation.IDENTITY).build(), heads.classes())
                .addLayer("box", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), heads.boxes())
                .setOutputs("class", "box");
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    private static INDArray[] inputs(DataType type, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new INDArray[] {Nd4j.rand(type, batch, 2, 4, 4), Nd4j.rand(type, batch, 2, 2, 2), Nd4j.rand(type, batch, 2, 1, 1)};
    }

    private static INDArray[] labels(DataType type, int batch) {
        INDArray classes = Nd4j.zeros(type, batch, CLASS_WIDTH);
        for (int i = 0; i < batch; i++) {
            classes.putScalar(i, (13 * i + 5) % CLASS_WIDTH, 1);
        }
        return new INDArray[] {classes, Nd4j.rand(type, batch, BOX_WIDTH).subi(0.5)};
    }

    @Test
    void gradientsAreRightThroughSharedConvolutionsAndPerLevelBatchNorms() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = tinyHead(DataType.DOUBLE, new NoOp(), 1);
            assertTrue(GradientChecks.check(net, inputs(DataType.DOUBLE, 4, 2), labels(DataType.DOUBLE, 4)));
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    @Test
    void convolutionsAreSharedAndBatchNormsArePerLevel() {
        Map<String, INDArray> params = tinyHead(DataType.FLOAT, new NoOp(), 2).paramTable();
        assertTrue(params.containsKey("class_net_class_0_W") && params.containsKey("class_net_class_1_pW"));
        assertFalse(params.keySet().stream().anyMatch(k -> k.matches("class_net_class_\\d_p\\d_.*")), "one conv for all levels");
        for (int l = 3; l <= 5; l++) {
            assertTrue(params.containsKey("class_net_class_1_bn_" + l + "_gamma"));
            assertTrue(params.containsKey("box_net_box_0_bn_" + l + "_mean"));
        }
        // the class predictor starts every anchor at probability 0.01
        assertEquals(-Math.log(99), params.get("class_net_class_predict_b").meanNumber().doubleValue(), 1e-5);
        assertEquals(0, params.get("box_net_box_predict_b").sumNumber().doubleValue(), 0);
    }

    /** D0's nets on P3-P7 at 64 channels (PAPERS.md 2.10): class 69,354 and box 19,044 trainable parameters. */
    @Test
    void d0HeadsHaveTheReferenceCounts() {
        LevelMosaic d0 = new LevelMosaic(new int[] {64, 32, 16, 8, 4}, new int[] {64, 32, 16, 8, 4});
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("p3", "p4", "p5", "p6", "p7")
                .setInputTypes(InputType.convolutional(64, 64, 64), InputType.convolutional(32, 32, 64), InputType.convolutional(16, 16, 64),
                        InputType.convolutional(8, 8, 64), InputType.convolutional(4, 4, 64));
        EfficientDetHead.Outputs heads = new EfficientDetHead(64, 3, 9, 90, 3, d0).addTo(graph, List.of("p3", "p4", "p5", "p6", "p7"));
        ComputationGraph net = new ComputationGraph(graph.setOutputs(heads.classes(), heads.boxes()).build());
        net.init();
        long classNet = 0;
        long boxNet = 0;
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (p.getKey().endsWith("_mean") || p.getKey().endsWith("_log10stdev")) {
                continue;
            }
            classNet += p.getKey().startsWith("class_net") ? p.getValue().length() : 0;
            boxNet += p.getKey().startsWith("box_net") ? p.getValue().length() : 0;
        }
        assertEquals(69_354L, classNet);
        assertEquals(19_044L, boxNet);
        assertEquals(88_398L, ParameterCount.of(net).trainable());
    }

    /**
     * The head's batch norms are DL4J's own, one per level: their running statistics move in training, are what
     * inference normalises with (an image's predictions do not depend on the rest of its batch, unlike in training),
     * are written with the model, and are ordinary entries of the parameter vector, which is what DL4J's parameter
     * averaging averages on Spark.
     */
    @Test
    void runningStatisticsMoveInTrainingServeInferenceAndTravelWithTheParameters(@TempDir File tmp) throws Exception {
        ComputationGraph net = tinyHead(DataType.FLOAT, new Sgd(0.05), 1);
        INDArray mean = net.getParam("class_net_class_0_bn_4_mean");
        assertEquals(0, mean.sumNumber().doubleValue(), 0);
        for (int i = 0; i < 5; i++) {
            net.fit(new MultiDataSet(inputs(DataType.FLOAT, 4, i), labels(DataType.FLOAT, 4)));
        }
        assertTrue(mean.amaxNumber().doubleValue() > 1e-4, "running mean moved: " + mean);

        INDArray[] batch = inputs(DataType.FLOAT, 3, 42);
        INDArray[] first = {batch[0].get(NDArrayIndex.interval(0, 1)), batch[1].get(NDArrayIndex.interval(0, 1)), batch[2].get(NDArrayIndex.interval(0, 1))};
        INDArray together = net.feedForward(batch, false).get("class_net_anchors").getRow(0);
        INDArray alone = net.feedForward(first, false).get("class_net_anchors").getRow(0);
        assertTrue(together.equalsWithEps(alone, 1e-5), "inference uses the running statistics, not the batch's");
        INDArray training = net.feedForward(batch, true).get("class_net_anchors").getRow(0);
        assertFalse(training.equalsWithEps(together, 1e-3), "training normalises with the batch's statistics");

        File file = new File(tmp, "head.zip");
        ModelSerializer.writeModel(net, file, false);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, false);
        assertEquals(mean, restored.getParam("class_net_class_0_bn_4_mean"));
        assertEquals(together, restored.feedForward(batch, false).get("class_net_anchors").getRow(0));

        assertEquals(ParameterCount.of(net).all(), net.params().length(), "statistics are part of the parameter vector");
        ComputationGraph other = tinyHead(DataType.FLOAT, new Sgd(0.05), 1);
        INDArray expected = mean.add(other.getParam("class_net_class_0_bn_4_mean")).divi(2);
        other.setParams(net.params().add(other.params()).divi(2));
        assertTrue(expected.equalsWithEps(other.getParam("class_net_class_0_bn_4_mean"), 1e-6), "averaging parameters averages the statistics");
    }

    @Test
    void theConfigurationSurvivesJsonRoundTrip() {
        ComputationGraphConfiguration conf = tinyHead(DataType.FLOAT, new NoOp(), 1).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        for (String vertex : conf.getVertices().keySet()) {
            if (vertex.contains("_net_") || vertex.startsWith("head_")) { // the loss functions have no value equality
                assertEquals(conf.getVertices().get(vertex), back.getVertices().get(vertex), vertex);
            }
        }
        MosaicSeparableConvolution2D predict = (MosaicSeparableConvolution2D)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("class_net_class_predict")).getLayerConf().getLayer();
        assertEquals(21, predict.getLevelPositions());
        assertEquals(1, ((MosaicLevelVertex) back.getVertices().get("box_net_box_0_p4")).getLevel());
    }

    @Test
    void theHeadNeedsOneInputPerLevel() {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("p3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EfficientDetHead(2, 1, ANCHORS, CLASSES, 3, THREE).addTo(graph, List.of("p3")));
        assertTrue(e.getMessage().contains("1 levels for a 3-level head"), e.getMessage());
    }
}

package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.detsearch.nats.Dilation;
import org.detsearch.nats.Genotype;
import org.detsearch.nats.SearchSpace;
import org.detsearch.nats.SupernetBackbone;
import org.detsearch.nats.TransformedBackbone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pretrained weights by layer name, from files the test makes: a tiny ResNet classifier pretrained a few steps on a
 * synthetic task (colour tells the class) and saved as a DL4J zip, and the same network written as Keras HDF5.
 */
class PretrainedWeightsTest {
    private static final ResNetSpec TINY = new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 3);
    private static final int SIZE = 64;
    @TempDir
    static Path dir;
    private static ComputationGraph pretrained;
    private static Path zip;

    private static ComputationGraph network(Backbone backbone) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3))
                .graphBuilder().addInputs("input").setInputTypes(InputType.convolutional(SIZE, SIZE, 3));
        ComputationGraph net = new ComputationGraph(graph.setOutputs(backbone.addTo(graph, "input")).build());
        net.init();
        return net;
    }

    /** Class k: images brighter in channel k. */
    private static MultiDataSet colours(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 3, SIZE, SIZE);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            x.get(NDArrayIndex.point(i), NDArrayIndex.point(i % 3)).addi(1);
            y.putScalar(i, i % 3, 1);
        }
        return new MultiDataSet(x, y);
    }

    @BeforeAll
    static void pretrainOnASyntheticTask() throws Exception {
        pretrained = network(new ResNetBuilder(TINY));
        double first = pretrained.score(colours(12, 1));
        for (int step = 0; step < 8; step++) {
            pretrained.fit(colours(12, 100 + step));
        }
        assertTrue(pretrained.score(colours(12, 1)) < first, "the classifier learnt something");
        zip = dir.resolve("tiny-pretrained.zip");
        ModelSerializer.writeModel(pretrained, zip.toFile(), false);
    }

    private static void assertSameParameters(ComputationGraph expected, ComputationGraph actual, Set<String> layers, double eps) {
        for (String layer : layers) {
            for (Map.Entry<String, INDArray> p : expected.getLayer(layer).paramTable().entrySet()) {
                INDArray got = actual.getLayer(layer).paramTable().get(p.getKey());
                assertTrue(p.getValue().equalsWithEps(got.reshape(p.getValue().shape()), eps), layer + " " + p.getKey());
            }
        }
    }

    @Test
    void aPretrainedClassifierLoadsIntoADetectorBackbone() throws Exception {
        RetinaNetSpec spec = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0), 16, 1, 0,
                new AnchorSpec(3, 7, 3, new double[] {1, 2, 0.5}, 4), 2, 128);
        ComputationGraph detector = new ComputationGraph(spec.graph(new TrainingSettings(new Adam(1e-3), 1e-4, 10, 7)));
        detector.init();
        Set<String> backbone = PretrainedWeights.layersOf(new ResNetBuilder(spec.backbone()));
        PretrainedLoadReport report = PretrainedWeights.fromModelZip(zip).loadInto(detector, backbone);
        assertEquals(backbone, Set.copyOf(report.loaded()), "every backbone layer loaded");
        assertTrue(report.leftAtInitialisation().containsAll(List.of("fpn_lateral5", "fpn_p7", "class_net", "box_net")),
                report.leftAtInitialisation().toString());
        assertEquals(List.of("fc1000"), report.unusedFromSource(), "the classifier is not used");
        assertSameParameters(pretrained, detector, backbone, 0);
        // the detector's C5 is the classifier's res5 output (BN statistics came along)
        INDArray x = colours(2, 9).getFeatures(0);
        INDArray expected = pretrained.feedForward(x, false).get("res5a_branch");
        INDArray actual = detector.feedForward(new INDArray[] {x}, false, false).get("res5a_branch");
        assertTrue(expected.equalsWithEps(actual, 1e-5));
        assertTrue(report.summary().contains("left at their initialisation"), report.summary());
    }

    @Test
    void aMismatchListsEveryOffendingLayerAndLoadsNothing() throws Exception {
        ComputationGraph wider = network(new ResNetBuilder(new ResNetSpec("tiny", new int[] {2, 1, 1, 1}, 0.25, 3)));
        INDArray before = wider.params().dup();
        PretrainedWeightsMismatchException e = assertThrows(PretrainedWeightsMismatchException.class,
                () -> PretrainedWeights.fromModelZip(zip).loadInto(wider, PretrainedWeights.layersOf(new ResNetBuilder(
                        new ResNetSpec("tiny", new int[] {2, 1, 1, 1}, 0.25, 3)))));
        assertTrue(e.getMessage().contains("conv1: parameter W has shape [8, 3, 7, 7] in the source, [16, 3, 7, 7] in the target"), e.getMessage());
        assertTrue(e.getMessage().contains("res2b_branch2a: missing from the source"), e.getMessage());
        assertTrue(e.problems().size() > 20, "every layer is listed, not just the first: " + e.problems().size());
        assertEquals(before, wider.params(), "nothing was loaded");
    }

    @Test
    void notAModelZipIsAClearError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> PretrainedWeights.fromModelZip(junk));
        assertTrue(e.getMessage().contains("is not a DL4J ComputationGraph zip"), e.getMessage());
    }

    @Test
    void everySupernetCandidateStartsFromThePretrainedKernel() throws Exception {
        SupernetBackbone supernet = new SupernetBackbone(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 3),
                SearchSpace.paper(org.detsearch.nats.ChannelGrouping.groups(4), org.detsearch.nats.KernelSharing.COPIED));
        ComputationGraph net = network(supernet);
        PretrainedLoadReport report = PretrainedWeights.fromModelZip(zip).loadInto(net, PretrainedWeights.layersOf(supernet));
        INDArray kernel = pretrained.getParam("res4a_branch2b_W");
        INDArray copies = net.getParam("res4a_branch2b_W");
        assertEquals(5, copies.size(0), "stage 4: five candidates");
        for (int g = 0; g < 5; g++) {
            assertEquals(kernel, org.detsearch.nn.Views.row(copies, g));
        }
        assertEquals(3, report.parametersLeftAtInitialisation().size(), "alpha of the three searched convolutions: "
                + report.parametersLeftAtInitialisation());
        assertEquals(pretrained.getParam("res2a_branch2b_W"), net.getParam("res2a_branch2b_W"), "stage 2 is not searched");
    }

    @Test
    void theTransformedBackboneTakesThePretrainedKernelSlices() throws Exception {
        Genotype genotype = new Genotype("tiny", List.of(new Genotype.Layer("res5a_branch2b", 5, 64,
                List.of(new Genotype.Kept(Dilation.of(1), 16), new Genotype.Kept(Dilation.parse("1x3"), 48)),
                SearchSpace.parse("1", "1x3"), null)));
        TransformedBackbone transformed = new TransformedBackbone(TINY, genotype);
        ComputationGraph net = network(transformed);
        PretrainedWeights.fromModelZip(zip).loadInto(net, PretrainedWeights.layersOf(transformed));
        assertSameParameters(pretrained, net, PretrainedWeights.layersOf(transformed), 0);
    }

    /** Keras' model.save() file and its to_json() + save_weights() pair, both through DL4J's Keras import. */
    @Test
    void kerasHdf5FilesLoadThroughDl4jsKerasImport() throws Exception {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(SIZE, SIZE, 3));
        String json = KerasFiles.modelJson(graph.setOutputs(new ResNetBuilder(TINY).addTo(graph, "input")).build(), SIZE);
        Map<String, Map<String, INDArray>> weights = KerasFiles.kerasWeights(pretrained);
        Path jsonFile = Files.writeString(dir.resolve("tiny.json"), json);
        Path weightsFile = dir.resolve("tiny_weights.h5");
        KerasFiles.writeWeights(weightsFile, weights);
        Path modelFile = dir.resolve("tiny.h5");
        KerasFiles.writeModel(modelFile, json, weights);
        Set<String> layers = PretrainedWeights.layersOf(new ResNetBuilder(TINY));
        for (PretrainedWeights keras : List.of(PretrainedWeights.fromKeras(jsonFile, weightsFile), PretrainedWeights.fromKerasHdf5(modelFile))) {
            ComputationGraph fresh = network(new ResNetBuilder(TINY));
            PretrainedLoadReport report = keras.loadInto(fresh, layers);
            assertTrue(report.leftAtInitialisation().isEmpty() && report.unusedFromSource().isEmpty(), report.summary());
            assertSameParameters(pretrained, fresh, layers, 1e-5);
            INDArray x = colours(3, 5).getFeatures(0);
            assertTrue(pretrained.outputSingle(x).equalsWithEps(fresh.outputSingle(x), 1e-4));
        }
        // a layer DL4J's import does not know is a clear error, not a partial model
        Path unknown = Files.writeString(dir.resolve("unknown.json"), json.replaceFirst("\"Conv2D\"", "\"FancyConv2D\""));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> PretrainedWeights.fromKeras(unknown, weightsFile));
        assertTrue(e.getMessage().startsWith("DL4J's Keras import cannot read") && e.getMessage().contains("FancyConv2D"), e.getMessage());
    }
}

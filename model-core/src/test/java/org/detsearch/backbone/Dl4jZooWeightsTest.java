package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.model.ResNet50;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's zoo ResNet50 in the format of its ImageNet weights file ({@code resnet50_dl4j_inference.v3.zip}: a
 * ComputationGraph zip), built with {@code init()} (no download) and saved, loads by name into DetSearch's ResNet-50.
 */
class Dl4jZooWeightsTest {
    @Test
    void theZooResNet50LoadsIntoOursByName(@TempDir Path dir) throws Exception {
        ComputationGraph zoo = ResNet50.builder().numClasses(1000).build().init();
        // batch-norm statistics that are not the initial 0 / 1 (the zoo's batch norms keep log10 of the standard
        // deviation, DL4J's default, as ours do)
        assertEquals(Set.of("gamma", "beta", "mean", "log10stdev"), zoo.getLayer("bn4f_branch2b").paramTable().keySet());
        INDArray log10std = Nd4j.rand(DataType.FLOAT, 1, 256).subi(0.5);
        zoo.setParam("bn4f_branch2b_log10stdev", log10std);
        zoo.getParam("bn4f_branch2b_mean").assign(0.25);
        Path zip = dir.resolve("resnet50_dl4j.zip");
        ModelSerializer.writeModel(zoo, zip.toFile(), false);

        ResNetBuilder ours = new ResNetBuilder(ResNetSpec.resnet50(0));
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(224, 224, 3));
        ComputationGraph net = new ComputationGraph(graph.setOutputs(ours.addTo(graph, "input")).build());
        net.init();
        Set<String> required = PretrainedWeights.layersOf(ours);
        PretrainedWeights weights = PretrainedWeights.fromModelZip(zip);

        PretrainedWeightsMismatchException stem = assertThrows(PretrainedWeightsMismatchException.class,
                () -> weights.loadInto(net, required));
        assertEquals(List.of("conv1: missing from the source", "bn_conv1: missing from the source"), stem.problems(),
                "the zoo names its stem stem-cnn1 / stem-batch1; every block matches");

        PretrainedLoadReport report = weights.renamed(PretrainedWeights.DL4J_ZOO_RESNET50_NAMES).loadInto(net, required);
        assertEquals(required, Set.copyOf(report.loaded()));
        assertEquals(106, report.loaded().size(), "53 convolutions and 53 batch norms");
        assertEquals(List.of("output"), report.unusedFromSource(), "the zoo's classifier");
        assertEquals(zoo.getParam("stem-cnn1_W"), net.getParam("conv1_W"));
        assertEquals(zoo.getParam("res5c_branch2c_b").reshape(-1), net.getParam("res5c_branch2c_b").reshape(-1));
        assertEquals(zoo.getParam("res4f_branch2b_W"), net.getParam("res4f_branch2b_W"));
        assertTrue(net.getParam("bn4f_branch2b_mean").reshape(-1).equalsWithEps(Nd4j.valueArrayOf(new long[] {256}, 0.25f), 0));
        assertEquals(log10std.reshape(-1), net.getParam("bn4f_branch2b_log10stdev").reshape(-1));
    }

    /** The zoo's download itself needs the network (users have it; tests do not): only what is refused is tested. */
    @Test
    void onlyTheZooModelsWithUsableWeightsAreAccepted() {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> PretrainedWeights.read(new org.detsearch.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()), "dl4j-zoo:vgg16"));
        assertTrue(e.getMessage().contains("resnet50 only, not vgg16"), e.getMessage());
    }
}

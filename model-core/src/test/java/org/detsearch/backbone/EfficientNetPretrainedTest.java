package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.model.EfficientDetSpec;
import org.detsearch.model.TrainingSettings;
import org.detsearch.neck.FusionMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An EfficientNet classifier's weights (a DL4J zip, pretrained a few steps) load by layer name into an EfficientDet's
 * backbone: every backbone layer, batch-norm statistics included; the BiFPN and heads stay at their initialisation
 * and the classifier's top is reported unused.
 */
class EfficientNetPretrainedTest {
    private static final EfficientNetSpec TINY = new EfficientNetSpec("tiny", 0.25, 0.1, 64, 0, 0, MBConvStage.B0, 0);

    @Test
    void aPretrainedEfficientNetLoadsIntoAnEfficientDetBackbone(@TempDir Path tmp) throws Exception {
        EfficientNetBuilder classifier = new EfficientNetBuilder(TINY.withNumClasses(3));
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-2))
                .graphBuilder().addInputs("input").setInputTypes(InputType.convolutional(64, 64, 3));
        ComputationGraph pretrained = new ComputationGraph(graph.setOutputs(classifier.addTo(graph, "input")).build());
        pretrained.init();
        INDArray labels = Nd4j.zeros(4, 3);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        DataSet task = new DataSet(Nd4j.rand(4, 3, 64, 64), labels);
        for (int i = 0; i < 3; i++) {
            pretrained.fit(task);
        }
        Path zip = tmp.resolve("efficientnet.zip");
        ModelSerializer.writeModel(pretrained, zip.toFile(), false);

        EfficientDetSpec detector = new EfficientDetSpec("tiny", TINY, 16, 1, 1, FusionMethod.FAST_ATTENTION, AnchorSpec.EFFICIENTDET,
                6, 128);
        ComputationGraph net = new ComputationGraph(detector.graph(new TrainingSettings(new Adam(1e-3), 4e-5, 10, 1)));
        net.init();
        Set<String> backbone = PretrainedWeights.layersOf(detector.featureExtractor());
        PretrainedLoadReport report = PretrainedWeights.fromModelZip(zip).loadInto(net, backbone);
        assertEquals(backbone, Set.copyOf(report.loaded()), "every backbone layer");
        for (String layer : backbone) {
            pretrained.getVertex(layer).paramTable(false).forEach((param, value) ->
                    assertEquals(value, net.getVertex(layer).paramTable(false).get(param), layer + "_" + param));
        }
        assertTrue(report.unusedFromSource().containsAll(java.util.List.of("top_conv", "top_bn", "predictions")), report.summary());
        assertTrue(report.leftAtInitialisation().stream().anyMatch(l -> l.startsWith("class_net")), report.summary());
    }
}

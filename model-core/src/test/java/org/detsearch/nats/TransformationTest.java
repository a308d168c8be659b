package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.MiddleConv;
import org.detsearch.backbone.PretrainedWeights;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.model.MultiplyAdds;
import org.detsearch.model.ParameterCount;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformed backbone: exactly the original's counts for any genotype, the original's outputs for dilation 1. */
class TransformationTest {
    private static ComputationGraphConfiguration configuration(Backbone backbone, int size) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(2).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(size, size, 3));
        return graph.setOutputs(backbone.addTo(graph, "input")).build();
    }

    private static ComputationGraph init(Backbone backbone, int size) {
        ComputationGraph net = new ComputationGraph(configuration(backbone, size));
        net.init();
        return net;
    }

    /** A genotype decoded from random softmax values: what any search could end with. */
    static Genotype randomGenotype(ResNetSpec spec, SearchSpace space, long seed) {
        Random random = new Random(seed);
        List<Genotype.Layer> layers = new ArrayList<>();
        for (MiddleConv conv : new SupernetBackbone(spec, space).searchedConvs()) {
            int groups = space.grouping().groupsOf(conv.name(), conv.channels(), conv.groups());
            List<Dilation> candidates = space.candidates(conv.stage());
            double[][] softmax = new double[groups][candidates.size()];
            for (double[] row : softmax) {
                for (int g = 0; g < row.length; g++) {
                    row[g] = random.nextDouble();
                }
            }
            layers.add(GenotypeDecoder.decodeLayer(conv, candidates, Nd4j.createFromArray(softmax)));
        }
        return new Genotype(spec.name(), layers);
    }

    @Test
    void fullSizeTransformedNetworksHaveExactlyTheOriginalsParametersAndMultiplyAdds() {
        Object[][] cases = {
                {ResNetSpec.resnet50(1000), ChannelGrouping.groups(16), 13},
                {ResNetSpec.resnet101(1000), ChannelGrouping.channelsPerGroup(32), 30},
                {ResNetSpec.resnext50(1000), ChannelGrouping.channelsPerGroup(32), 13},
                {ResNetSpec.resnext101(1000), ChannelGrouping.groups(16), 30}};
        for (Object[] c : cases) {
            ResNetSpec spec = (ResNetSpec) c[0];
            Genotype genotype = randomGenotype(spec, SearchSpace.paper((ChannelGrouping) c[1], KernelSharing.COPIED), 17);
            assertEquals(c[2], genotype.layers().size(), spec.name() + ": the searched convolutions of stages 3-5");
            assertTrue(genotype.layers().stream().allMatch(l -> l.kept().size() > 1), "random votes keep several dilations");
            ComputationGraph original = init(new ResNetBuilder(spec), 224);
            ComputationGraph transformed = init(new TransformedBackbone(spec, genotype), 224);
            assertEquals(ParameterCount.of(original), ParameterCount.of(transformed), spec.name());
            original = null;
            transformed = null;
            for (int size : new int[] {224, 800}) {
                assertEquals(MultiplyAdds.of(configuration(new ResNetBuilder(spec), size), InputType.convolutional(size, size, 3)).total(),
                        MultiplyAdds.of(configuration(new TransformedBackbone(spec, genotype), size), InputType.convolutional(size, size, 3)).total(),
                        spec.name() + " at " + size);
            }
        }
    }

    private static Genotype allDilationOne(ResNetSpec spec) {
        List<Genotype.Layer> layers = new ArrayList<>();
        for (MiddleConv conv : new SupernetBackbone(spec, SearchSpace.paper()).searchedConvs()) {
            layers.add(new Genotype.Layer(conv.name(), conv.stage(), conv.channels(),
                    List.of(new Genotype.Kept(Dilation.of(1), conv.channels())), List.of(Dilation.of(1)), null));
        }
        return new Genotype(spec.name(), layers);
    }

    @Test
    void anAllOneGenotypeComputesWhatTheOriginalComputes() {
        for (ResNetSpec spec : new ResNetSpec[] {new ResNetSpec("tiny", new int[] {1, 2, 2, 1}, 0.25, 5),
                new ResNetSpec("tinyx", new int[] {1, 2, 2, 1}, 0.5, 5, 8, 4)}) {
            ComputationGraph original = init(new ResNetBuilder(spec), 64);
            // batch-norm statistics away from their initial 0 / 1, so that they matter
            for (String p : original.paramTable().keySet()) {
                if (p.endsWith("_mean") || p.endsWith("_log10stdev")) {
                    original.getParam(p).assign(Nd4j.rand(DataType.FLOAT, original.getParam(p).shape()).subi(0.5));
                }
            }
            TransformedBackbone backbone = new TransformedBackbone(spec, allDilationOne(spec));
            ComputationGraph transformed = init(backbone, 64);
            PretrainedWeights.of(original, "original").loadInto(transformed, PretrainedWeights.layersOf(backbone));
            INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64);
            INDArray expected = original.outputSingle(x);
            assertTrue(expected.equalsWithEps(transformed.outputSingle(x), 1e-5), spec.toString());
            // and a genotype with other dilations changes what the same weights compute
            ComputationGraph mixed = init(new TransformedBackbone(spec, randomGenotype(spec,
                    SearchSpace.paper(ChannelGrouping.groups(4), KernelSharing.COPIED), 3)), 64);
            PretrainedWeights.of(original, "original").loadInto(mixed, PretrainedWeights.layersOf(backbone));
            assertFalse(expected.equalsWithEps(mixed.outputSingle(x), 1e-3));
        }
    }

    @Test
    void aGenotypeForAnotherBackboneIsRefused() {
        Genotype r101 = randomGenotype(ResNetSpec.resnet101(0), SearchSpace.paper(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformedBackbone(ResNetSpec.resnet50(0), r101));
        assertTrue(e.getMessage().contains("does not have") && e.getMessage().contains("res4w_branch2b"), e.getMessage());
        Genotype r50 = randomGenotype(ResNetSpec.resnet50(0), SearchSpace.paper(), 1);
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> new TransformedBackbone(new ResNetSpec("half", new int[] {3, 4, 6, 3}, 0.5, 0), r50));
        assertTrue(width.getMessage().contains("res3a_branch2b: the genotype has 128 channels at stage 3, the backbone 64"), width.getMessage());
    }
}

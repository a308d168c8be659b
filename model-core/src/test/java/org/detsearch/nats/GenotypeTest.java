package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.MiddleConv;
import org.detsearch.backbone.ResNetSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search space, decoding (PAPERS 1.6) and genotype.json. */
class GenotypeTest {
    private static final List<Dilation> FIVE = SearchSpace.parse("1", "2", "3", "1x3", "3x1");

    @Test
    void thePapersSearchSpaces() {
        SearchSpace c = SearchSpace.paper();
        assertEquals(5, c.candidates(3).size());
        assertEquals(5, c.candidates(4).size());
        assertEquals(SearchSpace.parse("1", "2", "3", "4", "5", "1x3", "3x1", "1x5", "5x1"), c.candidates(5));
        assertEquals(new Dilation(1, 3), c.candidates(4).get(3), "1x3 is d_h = 1, d_w = 3");
        assertEquals(ChannelGrouping.groups(16), c.grouping());
        assertEquals(KernelSharing.COPIED, c.sharing());
        SearchSpace a = SearchSpace.setA(ChannelGrouping.channelsPerGroup(32), KernelSharing.TIED);
        assertEquals(SearchSpace.parse("1", "3", "5"), a.candidates(5));
        assertEquals(SearchSpace.parse("1", "2", "3"), SearchSpace.setB(ChannelGrouping.paper(), KernelSharing.COPIED).candidates(3));
        assertThrows(IllegalArgumentException.class, () -> c.candidates(2), "stage 2 is not searched");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new SearchSpace(SearchSpace.parse("1", "1"), FIVE, FIVE, ChannelGrouping.paper(), KernelSharing.COPIED));
        assertTrue(twice.getMessage().contains("stage 3 lists a candidate dilation twice"), twice.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dilation.parse("2x")).getMessage()
                .startsWith("not a dilation: '2x'"));
    }

    @Test
    void channelGroupsPerLayer() {
        assertEquals(16, ChannelGrouping.groups(16).groupsOf("res3a_branch2b", 128, 1), "N = 16: 8 channels each");
        assertEquals(4, ChannelGrouping.channelsPerGroup(32).groupsOf("res3a_branch2b", 128, 1), "C = 32");
        assertEquals(8, ChannelGrouping.channelsPerGroup(32).groupsOf("res3a_branch2b", 256, 32), "ResNeXt: 4 cardinal groups each");
        IllegalArgumentException uneven = assertThrows(IllegalArgumentException.class,
                () -> ChannelGrouping.groups(16).groupsOf("res3a_branch2b", 24, 1));
        assertTrue(uneven.getMessage().startsWith("res3a_branch2b: 16 groups does not split its 24"), uneven.getMessage());
        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                () -> ChannelGrouping.channelsPerGroup(12).groupsOf("res3a_branch2b", 96, 12));
        assertTrue(misaligned.getMessage().contains("do not line up with its 12 cardinal groups of 8"), misaligned.getMessage());
        IllegalArgumentException supernet = assertThrows(IllegalArgumentException.class,
                () -> new SupernetBackbone(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.0625, 0), SearchSpace.paper()));
        assertTrue(supernet.getMessage().startsWith("res3a_branch2b: 16 groups does not split its 8"), supernet.getMessage());
    }

    @Test
    void votesBecomeChannelsInCandidateOrder() {
        MiddleConv conv = new MiddleConv("res4a_branch2b", 4, 0, 64, 1);
        // 8 groups of 8 channels: 4 votes for 1x3, 3 for 1, 1 for 3 (the tie in the last row goes to the first)
        double[][] softmax = {
                {0.1, 0.1, 0.1, 0.6, 0.1}, {0.1, 0.1, 0.1, 0.6, 0.1}, {0.1, 0.1, 0.1, 0.6, 0.1}, {0.1, 0.1, 0.1, 0.6, 0.1},
                {0.6, 0.1, 0.1, 0.1, 0.1}, {0.6, 0.1, 0.1, 0.1, 0.1}, {0.1, 0.1, 0.7, 0.05, 0.05}, {0.3, 0.1, 0.1, 0.2, 0.3}};
        Genotype.Layer layer = GenotypeDecoder.decodeLayer(conv, FIVE, Nd4j.createFromArray(softmax));
        assertEquals(List.of(new Genotype.Kept(Dilation.of(1), 24), new Genotype.Kept(Dilation.of(3), 8),
                new Genotype.Kept(Dilation.parse("1x3"), 32)), layer.kept());
        assertArrayEquals(softmax[6], layer.softmax()[6]);
    }

    @Test
    void resNeXtChannelsStayInWholeCardinalGroups() {
        // 16 channels in 4 cardinal groups of 4; 8 search groups of 2 (finer than the cardinal groups): votes 5 / 2 / 1
        MiddleConv conv = new MiddleConv("res3a_branch2b", 3, 0, 16, 4);
        double[][] softmax = new double[8][3];
        int[] winner = {0, 0, 0, 0, 0, 1, 1, 2};
        for (int i = 0; i < 8; i++) {
            softmax[i][winner[i]] = 1;
        }
        Genotype.Layer layer = GenotypeDecoder.decodeLayer(conv, SearchSpace.parse("1", "2", "3"), Nd4j.createFromArray(softmax));
        // shares 5/8, 2/8, 1/8 of 4 groups = 2.5, 1, 0.5 -> 3, 1, 0 by largest remainder (ties: candidate order)
        assertEquals(List.of(new Genotype.Kept(Dilation.of(1), 12), new Genotype.Kept(Dilation.of(2), 4)), layer.kept());
    }

    @Test
    void decodingATrainedSupernet() {
        ResNetSpec spec = new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0);
        SupernetBackbone backbone = new SupernetBackbone(spec, SearchSpace.paper(ChannelGrouping.groups(2), KernelSharing.COPIED));
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(64, 64, 3));
        ComputationGraph net = new ComputationGraph(graph.setOutputs(backbone.addTo(graph, "input")).build());
        net.init();
        net.setParam("res5a_branch2b_alpha", Nd4j.createFromArray(new float[][] {
                {0, 0, 0, 0, 3, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0, 2}}));
        Genotype genotype = GenotypeDecoder.decode(net, backbone);
        assertEquals(List.of("res3a_branch2b", "res4a_branch2b", "res5a_branch2b"), genotype.layers().stream().map(Genotype.Layer::name).toList());
        Genotype.Layer five = genotype.layer("res5a_branch2b").orElseThrow();
        assertEquals(List.of(new Genotype.Kept(Dilation.of(5), 32), new Genotype.Kept(Dilation.parse("5x1"), 32)), five.kept());
        assertEquals(List.of(new Genotype.Kept(Dilation.of(1), 16)), genotype.layer("res3a_branch2b").orElseThrow().kept(),
                "alpha still 0: every group votes for the first candidate");
        assertEquals(1.0, java.util.Arrays.stream(five.softmax()[0]).sum(), 1e-6);
        new TransformedBackbone(spec, genotype); // it builds
    }

    @Test
    void genotypeJsonRoundTrip() {
        Genotype genotype = TransformationTest.randomGenotype(ResNetSpec.resnet50(0), SearchSpace.paper(), 5);
        String json = genotype.toJson();
        assertTrue(json.contains("\"name\" : \"res3a_branch2b\"") && json.contains("\"dilation\" : \"1x3\"") && json.contains("\"softmax\""), json.substring(0, 400));
        Genotype back = Genotype.fromJson(json);
        assertEquals(json, back.toJson());
        assertEquals(genotype.layers().get(7).kept(), back.layers().get(7).kept());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Genotype.fromJson(
                "{\"backbone\": \"x\", \"layers\": [{\"name\": \"res3a_branch2b\", \"stage\": 3, \"channels\": 128,"
                        + " \"kept\": [{\"dilation\": \"1\", \"channels\": 100}], \"candidates\": [\"1\"]}]}"));
        assertTrue(bad.getMessage().contains("must sum to the layer's 128"), bad.getMessage());
    }
}

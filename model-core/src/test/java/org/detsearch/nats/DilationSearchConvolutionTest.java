package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.model.MultiplyAdds;
import org.detsearch.nn.DoublePrecision;
import org.detsearch.nn.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.File;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class DilationSearchConvolutionTest {
    private static final List<Dilation> CANDIDATES = SearchSpace.parse("1", "2", "1x3");

    private static ComputationGraphConfiguration.GraphBuilder graph(int size, int channels) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(11).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(size, size, channels));
    }

    private static ComputationGraph init(ComputationGraphConfiguration.GraphBuilder graph, String... outputs) {
        ComputationGraph net = new ComputationGraph(graph.setOutputs(outputs).build());
        net.init();
        return net;
    }

    private static DilationSearchConvolution search(int nOut, int stride, int groups, int searchGroups, KernelSharing sharing) {
        return new DilationSearchConvolution("search", nOut, stride, groups, true, CANDIDATES, searchGroups, sharing);
    }

    /**
     * Against the definition: each candidate as DL4J's own dilated convolution with its kernel copy, mixed per
     * search group by the softmax of that group's alpha.
     */
    @Test
    void outputIsTheChannelLevelSoftmaxMixtureOfDilatedConvolutions() {
        for (int stride : new int[] {1, 2}) {
            ComputationGraph net = init(graph(7, 3).addLayer("search", search(4, stride, 1, 2, KernelSharing.COPIED), "in"), "search");
            INDArray alpha = Nd4j.rand(DataType.DOUBLE, 2, 3).muli(4);
            net.setParam("search_alpha", alpha);
            INDArray w = net.getParam("search_W");
            Views.row(w, 1).muli(-2); // the copies may differ once trained
            ComputationGraphConfiguration.GraphBuilder ref = graph(7, 3);
            for (int g = 0; g < 3; g++) {
                Dilation d = CANDIDATES.get(g);
                ref.addLayer("d" + g, new ConvolutionLayer.Builder(3, 3).nOut(4).stride(stride, stride).dilation(d.h(), d.w())
                        .padding(d.h(), d.w()).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), "in");
            }
            ComputationGraph reference = init(ref, "d0", "d1", "d2");
            for (int g = 0; g < 3; g++) {
                reference.setParam("d" + g + "_W", Views.row(w, g));
                reference.setParam("d" + g + "_b", Views.row(net.getParam("search_b"), g).reshape(1, 4));
            }
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 7, 7);
            INDArray[] ys = reference.output(x);
            INDArray softmax = Transforms.softmax(alpha, true);
            INDArray expected = ys[0].ulike();
            for (int group = 0; group < 2; group++) {
                for (int g = 0; g < 3; g++) {
                    INDArray channels = ys[g].get(NDArrayIndex.all(), NDArrayIndex.interval(2 * group, 2 * group + 2), NDArrayIndex.all(), NDArrayIndex.all());
                    expected.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * group, 2 * group + 2), NDArrayIndex.all(), NDArrayIndex.all())
                            .addi(channels.mul(softmax.getDouble(group, g)));
                }
            }
            assertTrue(expected.equalsWithEps(net.outputSingle(x), 1e-10), "stride " + stride);
        }
    }

    private static boolean gradientsCheck(DilationSearchConvolution layer, int stride) {
        // DL4J's check wants updaters that do not touch the gradient
        layer.setAlphaUpdater(new org.nd4j.linalg.learning.config.NoOp());
        ComputationGraph net = init(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(11)
                .updater(new org.nd4j.linalg.learning.config.NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(5, 5, 2))
                .addLayer("pre", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("search", layer, "pre")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "search"),
                "loss");
        // alpha away from 0 and the copies apart, so that every term of the gradient matters
        net.setParam("search_alpha", Nd4j.rand(DataType.DOUBLE, net.getParam("search_alpha").shape()).muli(2));
        net.getParam("search_W").addi(Nd4j.rand(DataType.DOUBLE, net.getParam("search_W").shape()).subi(0.5));
        long out = stride == 1 ? 5 : 3;
        return DoublePrecision.gradientsCheck(net, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 5)},
                new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 4, out, out)}, Set.of());
    }

    @Test
    void gradientsAreRightIncludingAlpha() {
        assertTrue(gradientsCheck(search(4, 1, 1, 2, KernelSharing.COPIED), 1), "copied kernels");
        assertTrue(gradientsCheck(search(4, 2, 2, 4, KernelSharing.COPIED), 2), "grouped (ResNeXt), stride 2, one channel per search group");
        assertTrue(gradientsCheck(search(4, 1, 2, 1, KernelSharing.TIED), 1), "tied kernel, path-level (N = 1)");
    }

    @Test
    void parametersAndTheirOptimisers() {
        ComputationGraph copied = init(graph(5, 8).addLayer("search", search(8, 1, 2, 4, KernelSharing.COPIED), "in"), "search");
        assertArrayEquals(new long[] {3, 8, 4, 3, 3}, copied.getParam("search_W").shape(), "one kernel copy per candidate");
        assertArrayEquals(new long[] {3, 8}, copied.getParam("search_b").shape());
        assertArrayEquals(new long[] {4, 3}, copied.getParam("search_alpha").shape(), "alpha [N, |G|]");
        assertEquals(0, copied.getParam("search_alpha").sumNumber().doubleValue(), "alpha starts uniform");
        INDArray w = copied.getParam("search_W");
        assertEquals(Views.row(w, 0), Views.row(w, 2), "copies start equal");
        ComputationGraph tied = init(graph(5, 8).addLayer("search", search(8, 1, 2, 4, KernelSharing.TIED), "in"), "search");
        assertArrayEquals(new long[] {1, 8, 4, 3, 3}, tied.getParam("search_W").shape());
        DilationSearchConvolution conf = (DilationSearchConvolution) copied.getLayer("search").conf().getLayer();
        assertEquals(new Adam(0.01, 0.5, 0.999, 1e-8), conf.getUpdaterByParam("alpha"));
        assertEquals(new Sgd(0.1), conf.getUpdaterByParam("W"), "weights take the network's updater");
        assertEquals(List.of(new L2Regularization(1e-5)), conf.getRegularizationByParam("alpha"));
    }

    @Test
    void pretrainedKernelsAreCopiedIntoEveryCandidate() {
        DilationSearchConvolution conf = search(4, 1, 1, 2, KernelSharing.COPIED);
        conf.setNIn(3);
        INDArray target = Nd4j.zeros(DataType.DOUBLE, 3, 4, 3, 3, 3);
        INDArray kernel = Nd4j.rand(DataType.DOUBLE, 4, 3, 3, 3);
        assertTrue(conf.loadPretrained("W", kernel, target));
        for (int g = 0; g < 3; g++) {
            assertEquals(kernel, target.get(NDArrayIndex.point(g)));
        }
        INDArray bias = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        assertTrue(conf.loadPretrained("b", Nd4j.ones(DataType.DOUBLE, 1, 4), bias), "DL4J biases may be [1, C]");
        assertEquals(12.0, bias.sumNumber().doubleValue());
        assertFalse(conf.loadPretrained("W", Nd4j.rand(DataType.DOUBLE, 4, 2, 3, 3), target), "a kernel of another shape");
        assertEquals(Set.of("alpha"), conf.ownParameters());
    }

    @Test
    void supernetCostsEveryCandidate() {
        ComputationGraphConfiguration conf = graph(6, 4).addLayer("search", search(8, 1, 2, 4, KernelSharing.COPIED), "in")
                .setOutputs("search").build();
        assertEquals(3L * 6 * 6 * 8 * 9 * 2, MultiplyAdds.of(conf, InputType.convolutional(6, 6, 4)).total());
    }

    @Test
    void configurationSurvivesJsonAndModelSerializer(@TempDir File dir) throws Exception {
        ComputationGraph net = init(graph(5, 4).addLayer("search", search(4, 2, 2, 2, KernelSharing.TIED), "in")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "search"), "loss");
        net.fit(new org.nd4j.linalg.dataset.MultiDataSet(Nd4j.rand(DataType.DOUBLE, 2, 4, 5, 5), Nd4j.rand(DataType.DOUBLE, 2, 4, 3, 3)));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration().getVertices().get("search"), back.getVertices().get("search"));
        File zip = new File(dir, "supernet.zip");
        ModelSerializer.writeModel(net, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 4, 5, 5);
        assertEquals(net.outputSingle(x), restored.outputSingle(x));
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(), "Adam's moments of alpha saved");
        DilationSearchConvolution conf = (DilationSearchConvolution) restored.getLayer("search").conf().getLayer();
        assertEquals(KernelSharing.TIED, conf.getSharing());
        assertEquals(CANDIDATES, conf.candidateDilations());
        assertEquals(new Adam(0.01, 0.5, 0.999, 1e-8), conf.getAlphaUpdater());
    }

    @Test
    void badConfigurationsAreClearErrors() {
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class, () -> search(6, 1, 1, 4, KernelSharing.COPIED));
        assertTrue(groups.getMessage().contains("4 search groups do not split 6 output channels"), groups.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new DilationSearchConvolution("s", 4, 1, 1, true, List.of(), 1, KernelSharing.COPIED));
        assertTrue(none.getMessage().contains("at least one candidate"), none.getMessage());
    }
}

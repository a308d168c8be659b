package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.model.MultiplyAdds;
import org.detsearch.model.ParameterCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class MixedDilationConvolutionTest {
    private static ComputationGraphConfiguration.GraphBuilder graph(int size, int channels) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(size, size, channels));
    }

    private static ComputationGraph init(ComputationGraphConfiguration.GraphBuilder graph, String output) {
        ComputationGraph net = new ComputationGraph(graph.setOutputs(output).build());
        net.init();
        return net;
    }

    private static ConvolutionLayer dl4jConv(int nOut, int dilationH, int dilationW, int stride) {
        return new ConvolutionLayer.Builder(3, 3).nOut(nOut).stride(stride, stride).dilation(dilationH, dilationW)
                .padding(dilationH, dilationW).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build();
    }

    /** The segments of one mixed convolution against DL4J's own dilated convolutions on the matching kernel slices. */
    @Test
    void segmentsEqualDl4jDilatedConvolutionsOnKernelSlices() {
        for (int stride : new int[] {1, 2}) {
            ComputationGraph mixed = init(graph(9, 4).addLayer("conv", new MixedDilationConvolution("conv", 3, stride, 1, true,
                    new int[] {2, 3, 1}, new int[][] {{1, 1}, {1, 3}, {2, 2}}), "in"), "conv");
            ComputationGraph reference = init(graph(9, 4)
                    .addLayer("d1", dl4jConv(2, 1, 1, stride), "in")
                    .addLayer("d13", dl4jConv(3, 1, 3, stride), "in")
                    .addLayer("d2", dl4jConv(1, 2, 2, stride), "in")
                    .addVertex("concat", new MergeVertex(), "d1", "d13", "d2"), "concat");
            INDArray w = mixed.getParam("conv_W");
            INDArray b = mixed.getParam("conv_b");
            int from = 0;
            for (String[] seg : new String[][] {{"d1", "2"}, {"d13", "3"}, {"d2", "1"}}) {
                int n = Integer.parseInt(seg[1]);
                reference.setParam(seg[0] + "_W", w.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
                reference.setParam(seg[0] + "_b", b.get(NDArrayIndex.interval(from, from + n)).reshape(1, n));
                from += n;
            }
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4, 9, 9);
            INDArray expected = reference.outputSingle(x);
            INDArray actual = mixed.outputSingle(x);
            assertArrayEquals(expected.shape(), actual.shape(), "every dilation keeps the stride's output size");
            assertTrue(expected.equalsWithEps(actual, 1e-10), "stride " + stride);
        }
    }

    /** A grouped convolution equals a dense DL4J convolution whose kernel is zero outside the groups' blocks. */
    @Test
    void groupedConvolutionEqualsABlockDiagonalDenseConvolution() {
        ComputationGraph grouped = init(graph(6, 6).addLayer("conv",
                MixedDilationConvolution.plain("conv", 3, 2, 3, true, 9), "in"), "conv");
        ComputationGraph dense = init(graph(6, 6).addLayer("conv", dl4jConv(9, 1, 1, 2), "in"), "conv");
        INDArray w = grouped.getParam("conv_W");
        assertArrayEquals(new long[] {9, 2, 3, 3}, w.shape(), "weights [C_out, C_in / groups, k, k]");
        INDArray blockDiagonal = Nd4j.zeros(DataType.DOUBLE, 9, 6, 3, 3);
        for (int g = 0; g < 3; g++) {
            blockDiagonal.get(NDArrayIndex.interval(3 * g, 3 * g + 3), NDArrayIndex.interval(2 * g, 2 * g + 2), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(w.get(NDArrayIndex.interval(3 * g, 3 * g + 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
        }
        dense.setParam("conv_W", blockDiagonal);
        dense.setParam("conv_b", grouped.getParam("conv_b").reshape(1, 9));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 6, 6, 6);
        assertTrue(dense.outputSingle(x).equalsWithEps(grouped.outputSingle(x), 1e-10));
        assertEquals(9 * 2 * 9 + 9, ParameterCount.of(grouped).trainable(), "a grouped count, not a dense one");
    }

    /** Weights, biases and the error handed to the layer before it, grouped and mixed, stride 1 and 2. */
    @Test
    void gradientsAreRight() {
        for (int stride : new int[] {1, 2}) {
            ComputationGraph net = init(graph(5, 2)
                    .addLayer("pre", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.TANH).build(), "in")
                    .addLayer("conv", new MixedDilationConvolution("conv", 3, stride, 2, true,
                            new int[] {3, 3}, new int[][] {{1, 1}, {3, 1}}), "pre")
                    .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv"),
                    "loss");
            long out = stride == 1 ? 5 : 3;
            assertTrue(DoublePrecision.gradientsCheck(net, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 5)},
                    new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 6, out, out)}, Set.of()), "stride " + stride);
        }
    }

    @Test
    void multiplyAddsAreThoseOfTheConvolutionItReplaces() {
        ComputationGraphConfiguration mixed = graph(8, 8).addLayer("conv", new MixedDilationConvolution("conv", 3, 1, 4, false,
                new int[] {4, 8, 4}, new int[][] {{1, 1}, {2, 2}, {1, 3}}), "in").setOutputs("conv").build();
        // 8 x 8 positions x 16 outputs x 9 taps x 8 / 4 inputs per group
        assertEquals(8L * 8 * 16 * 9 * 2, MultiplyAdds.of(mixed, InputType.convolutional(8, 8, 8)).total());
    }

    @Test
    void configurationSurvivesJsonAndModelSerializer(@TempDir File dir) throws Exception {
        ComputationGraph net = init(graph(5, 4).addLayer("conv", new MixedDilationConvolution("conv", 3, 2, 1, true,
                new int[] {2, 4}, new int[][] {{1, 1}, {1, 5}}), "in"), "conv");
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration().getVertices().get("conv"), back.getVertices().get("conv"));
        File zip = new File(dir, "m.zip");
        ModelSerializer.writeModel(net, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 4, 5, 5);
        assertEquals(net.outputSingle(x), restored.outputSingle(x));
        MixedDilationConvolution conf = (MixedDilationConvolution) restored.getLayer("conv").conf().getLayer();
        assertArrayEquals(new int[] {1, 5}, conf.getDilationWidths());
    }

    @Test
    void badSegmentsAreClearErrors() {
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class, () -> new MixedDilationConvolution("c", 3, 1, 1,
                true, new int[] {2, 0}, new int[][] {{1, 1}, {2, 2}}));
        assertTrue(sum.getMessage().contains("must be positive"), sum.getMessage());
        IllegalArgumentException aligned = assertThrows(IllegalArgumentException.class, () -> new MixedDilationConvolution("c", 3, 1, 4,
                true, new int[] {3, 5}, new int[][] {{1, 1}, {2, 2}}));
        assertTrue(aligned.getMessage().contains("does not cover whole groups of 2"), aligned.getMessage());
        IllegalArgumentException even = assertThrows(IllegalArgumentException.class, () -> MixedDilationConvolution.plain("c", 2, 1, 1, true, 4));
        assertTrue(even.getMessage().contains("odd"), even.getMessage());
    }
}

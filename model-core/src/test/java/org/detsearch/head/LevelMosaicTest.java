package org.detsearch.head;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.model.MultiplyAdds;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LevelMosaicTest {
    private static final LevelMosaic D0 = new LevelMosaic(new int[] {64, 32, 16, 8, 4}, new int[] {64, 32, 16, 8, 4});
    private static final LevelMosaic SMALL = new LevelMosaic(new int[] {4, 2, 1}, new int[] {4, 2, 1});

    @Test
    void levelsAreSeparatedByAtLeastOneRowOrColumnOfZeros() {
        for (LevelMosaic m : new LevelMosaic[] {D0, SMALL, new LevelMosaic(new int[] {16, 8, 4, 2, 1}, new int[] {16, 8, 4, 2, 1})}) {
            for (int a = 0; a < m.levels(); a++) {
                assertTrue(m.row(a) + m.heights()[a] <= m.height() && m.column(a) + m.widths()[a] <= m.width());
                for (int b = a + 1; b < m.levels(); b++) {
                    boolean apartInRows = m.row(a) + m.heights()[a] < m.row(b) || m.row(b) + m.heights()[b] < m.row(a);
                    boolean apartInColumns = m.column(a) + m.widths()[a] < m.column(b) || m.column(b) + m.widths()[b] < m.column(a);
                    assertTrue(apartInRows || apartInColumns, m + ": levels " + a + " and " + b);
                }
            }
        }
        assertEquals(64, D0.height());
        assertEquals(97, D0.width());
        assertEquals(5456, D0.levelPositions());
        LevelMosaic tiny = new LevelMosaic(new int[] {16, 8, 4, 2, 1}, new int[] {16, 8, 4, 2, 1});
        assertEquals(18, tiny.height(), "the column of smaller levels is taller than P3 here");
        assertEquals(25, tiny.width());
    }

    /** One convolution over the canvas, cut back into levels, is the same convolution applied to each level alone. */
    @Test
    void aConvolutionOverTheCanvasIsTheSharedConvolutionOfEveryLevel() {
        ComputationGraph mosaic = new ComputationGraph(levels(new NeuralNetConfiguration.Builder().seed(3))
                .addVertex("canvas", new MosaicVertex(), "p3", "p4", "p5")
                .addLayer("conv", new MosaicSeparableConvolution2D(separable(), SMALL), "canvas")
                .addVertex("o3", new MosaicLevelVertex(SMALL, 0), "conv")
                .addVertex("o4", new MosaicLevelVertex(SMALL, 1), "conv")
                .addVertex("o5", new MosaicLevelVertex(SMALL, 2), "conv")
                .setOutputs("o3", "o4", "o5").build());
        mosaic.init();
        mosaic.getLayer("conv").params().assign(Nd4j.rand(mosaic.getLayer("conv").params().shape()).subi(0.5));
        ComputationGraph perLevel = new ComputationGraph(levels(new NeuralNetConfiguration.Builder())
                .addLayer("c3", separable().build(), "p3").addLayer("c4", separable().build(), "p4").addLayer("c5", separable().build(), "p5")
                .setOutputs("c3", "c4", "c5").build());
        perLevel.init();
        for (String layer : new String[] {"c3", "c4", "c5"}) {
            mosaic.getLayer("conv").paramTable().forEach((key, value) -> perLevel.getLayer(layer).getParam(key).assign(value));
        }
        INDArray[] inputs = {Nd4j.rand(2, 3, 4, 4), Nd4j.rand(2, 3, 2, 2), Nd4j.rand(2, 3, 1, 1)};
        INDArray[] shared = mosaic.output(inputs);
        INDArray[] separate = perLevel.output(inputs);
        for (int l = 0; l < 3; l++) {
            assertTrue(separate[l].equalsWithEps(shared[l], 1e-5), "level " + l);
        }
        // counted on the levels' 21 positions, not the canvas' 4 x 7 = 28
        long perPosition = 3 * 9 + 3 * 5;
        assertEquals(21 * perPosition, MultiplyAdds.of(mosaic.getConfiguration(), InputType.convolutional(4, 4, 3),
                InputType.convolutional(2, 2, 3), InputType.convolutional(1, 1, 3)).perVertex().get("conv"));
    }

    private static ComputationGraphConfiguration.GraphBuilder levels(NeuralNetConfiguration.Builder builder) {
        return builder.graphBuilder().addInputs("p3", "p4", "p5")
                .setInputTypes(InputType.convolutional(4, 4, 3), InputType.convolutional(2, 2, 3), InputType.convolutional(1, 1, 3));
    }

    private static SeparableConvolution2D.Builder separable() {
        return new SeparableConvolution2D.Builder(3, 3).nOut(5).hasBias(true).convolutionMode(ConvolutionMode.Same)
                .activation(Activation.IDENTITY);
    }

    /** Channel c of level l at (y, x) goes to offset_l + (y W_l + x) P + c: levels in order, each (y, x, anchor, output). */
    @Test
    void predictionsAreLaidOutInAnchorOrder() {
        INDArray canvas = Nd4j.rand(2, 6, SMALL.height(), SMALL.width());
        INDArray flat = new MosaicAnchorsVertex(SMALL).computation().forward(new INDArray[] {canvas}, false);
        assertEquals(21 * 6, flat.size(1));
        int[] offsets = {0, 16 * 6, 20 * 6};
        for (int l = 0; l < 3; l++) {
            int w = SMALL.widths()[l];
            for (int y = 0; y < SMALL.heights()[l]; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 6; c++) {
                        assertEquals(canvas.getDouble(1, c, SMALL.row(l) + y, SMALL.column(l) + x),
                                flat.getDouble(1, offsets[l] + (y * w + x) * 6 + c), 0.0);
                    }
                }
            }
        }
        // and the backward pass puts each gradient back where its prediction came from, zeros in the gaps
        INDArray back = new MosaicAnchorsVertex(SMALL).computation().backward(new INDArray[] {canvas}, flat)[0];
        INDArray expected = canvas.dup();
        expected.get(MosaicVertex.window(SMALL, 0)).assign(0);
        expected.get(MosaicVertex.window(SMALL, 1)).assign(0);
        expected.get(MosaicVertex.window(SMALL, 2)).assign(0);
        assertEquals(canvas.sub(expected), back);
    }

    @Test
    void aCanvasOfTheWrongSizeIsRejected() {
        InvalidInputTypeException e = assertThrows(InvalidInputTypeException.class,
                () -> new MosaicLevelVertex(SMALL, 1).getOutputType(0, InputType.convolutional(4, 4, 3)));
        assertTrue(e.getMessage().contains("4x7 mosaic canvas"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MosaicLevelVertex(SMALL, 3));
        assertThrows(IllegalArgumentException.class, () -> new LevelMosaic(new int[] {4, 0}, new int[] {4, 2}));
    }
}

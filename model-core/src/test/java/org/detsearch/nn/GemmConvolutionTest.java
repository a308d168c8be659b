package org.detsearch.nn;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GemmConvolution2D} against DL4J's {@link ConvolutionLayer}. */
@ExtendWith(DoublePrecision.class)
class GemmConvolutionTest {
    /** A convolution on an input of {@code height} x {@code width}; {@code padding} < 0: SAME mode. */
    private record Case(int kernel, int stride, int dilation, int padding, int height, int width, boolean bias, Activation activation) {
        ConvolutionLayer.Builder builder() {
            ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).dilation(dilation, dilation)
                    .nOut(4).hasBias(bias).activation(activation);
            return padding < 0 ? b.convolutionMode(ConvolutionMode.Same)
                    : b.convolutionMode(ConvolutionMode.Truncate).padding(padding, padding);
        }
    }

    /**
     * ResNet's 1x1 (stride 1 and 2, on odd and even sizes) and padded 3x3 convolutions, NATS' dilated ones, SAME 3x3
     * and 5x5 (the odd pixel at the bottom/right), an unpadded (valid) 3x3, a bias and an activation; inputs
     * rectangular, so height and width cannot be mixed up.
     */
    private static final List<Case> CASES = List.of(
            new Case(1, 1, 1, 0, 5, 6, false, Activation.IDENTITY),
            new Case(1, 2, 1, 0, 7, 6, false, Activation.IDENTITY),
            new Case(1, 2, 1, -1, 7, 5, true, Activation.IDENTITY),
            new Case(3, 1, 1, 1, 6, 7, true, Activation.IDENTITY),
            new Case(3, 1, 2, 2, 7, 8, false, Activation.IDENTITY),
            new Case(3, 1, 3, 3, 5, 4, false, Activation.IDENTITY),
            new Case(3, 1, 1, -1, 6, 5, false, Activation.IDENTITY),
            new Case(5, 1, 1, -1, 7, 6, true, Activation.TANH),
            new Case(3, 1, 1, 0, 6, 7, true, Activation.IDENTITY));

    private static ComputationGraph net(Case c, boolean ours) {
        ConvolutionLayer.Builder b = c.builder();
        return Dl4jTwins.net(ours ? new GemmConvolution2D(b) : b.build(), c.height(), c.width());
    }

    private static boolean runsProducts(ComputationGraph net) {
        return ((GemmConvolution2D) net.getLayer("conv").conf().getLayer()).products();
    }

    @Test
    void equalsDl4jsLayerForwardAndBackward() {
        for (Case c : CASES) {
            ComputationGraph ours = net(c, true);
            // on the CPU backend the products run, not DL4J's fallback (else this compares DL4J with itself)
            assertTrue(runsProducts(ours), c.toString());
            Dl4jTwins.assertSameForwardAndBackward(ours, net(c, false), Dl4jTwins.input(11, c.height(), c.width()), c.toString());
        }
    }

    @Test
    void aStridedViewAsInputGivesDl4jsOutput() {
        for (Case c : List.of(CASES.get(0), CASES.get(3))) {
            ComputationGraph ours = net(c, true);
            ComputationGraph dl4j = net(c, false);
            dl4j.setParams(ours.params());
            // [N, C, W, H] seen as [N, C, H, W]: neither c-ordered nor dense
            INDArray view = Nd4j.randn(DataType.DOUBLE, 2, Dl4jTwins.LAYER_INPUT_CHANNELS, c.width(), c.height()).permute(0, 1, 3, 2);
            INDArray expected = dl4j.getLayer("conv").activate(view, false, LayerWorkspaceMgr.noWorkspaces());
            INDArray actual = ours.getLayer("conv").activate(view, false, LayerWorkspaceMgr.noWorkspaces());
            assertTrue(expected.equalsWithEps(actual, 1e-12), c.toString());
        }
    }

    @Test
    void gradientCheckInDoublePrecision() {
        for (Case c : List.of(CASES.get(2), CASES.get(4), CASES.get(7))) {
            ComputationGraph net = net(c, true);
            INDArray x = Dl4jTwins.input(5, c.height(), c.width());
            assertTrue(GradientChecks.check(net, new INDArray[] {x}, Dl4jTwins.labels(net, x)), c.toString());
        }
    }

    @Test
    void stridedKernelsLargerThanOneRunDl4jsCode() {
        // ResNet's 7x7/2 stem and a padded 1x1/2: what the products do not cover, DL4J computes, to the same result
        for (Case c : List.of(new Case(7, 2, 1, 3, 9, 8, false, Activation.IDENTITY), new Case(1, 2, 1, 1, 6, 6, true, Activation.IDENTITY))) {
            ComputationGraph ours = net(c, true);
            assertFalse(runsProducts(ours), c.toString());
            Dl4jTwins.assertSameForwardAndBackward(ours, net(c, false), Dl4jTwins.input(11, c.height(), c.width()), c.toString());
        }
    }

    @Test
    void serialisesAndCountsAsDl4jsLayer(@TempDir File dir) throws Exception {
        Case c = CASES.get(3);
        Dl4jTwins.assertSerialisesAndCountsAlike(net(c, true), net(c, false), c.height(), c.width(), dir,
                GemmConvolutionTest::runsProducts, c.toString());
    }
}

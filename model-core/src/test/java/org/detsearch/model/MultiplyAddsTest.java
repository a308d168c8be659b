package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiplyAddsTest {
    private static ComputationGraphConfiguration.GraphBuilder graph(int h, int w, int c) {
        return new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(h, w, c));
    }

    @Test
    void eachConvolutionKindCountsItsMultiplyAdds() {
        ComputationGraphConfiguration conf = graph(10, 12, 3)
                // 3x3 stride 2, pad 1: 5 x 6 outputs of 8 channels, each 3*3*3 products
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(8)
                        .convolutionMode(ConvolutionMode.Truncate).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                // depthwise 3x3 'same', multiplier 2: 5 x 6 x 16 outputs, 9 products each
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2)
                        .convolutionMode(ConvolutionMode.Same).build(), "bn")
                // separable: depthwise 5 x 6 x 16 x 9, then pointwise 5 x 6 x 4 x 16
                .addLayer("sep", new SeparableConvolution2D.Builder(3, 3).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).build(), "dw")
                .addLayer("fc", new DenseLayer.Builder().nOut(7).build(), "sep")
                .setOutputs("fc").build();
        MultiplyAdds counted = MultiplyAdds.of(conf, InputType.convolutional(10, 12, 3));
        assertEquals(5 * 6 * 8 * 27L, counted.perVertex().get("conv"));
        assertEquals(5 * 6 * 16 * 9L, counted.perVertex().get("dw"));
        assertEquals(5 * 6 * 16 * 9L + 5 * 6 * 4 * 16L, counted.perVertex().get("sep"));
        assertEquals(5 * 6 * 4 * 7L, counted.perVertex().get("fc"), "dense after a flattening preprocessor");
        assertTrue(!counted.perVertex().containsKey("bn"), "batch norm folds into the convolution");
        assertEquals(counted.perVertex().values().stream().mapToLong(Long::longValue).sum(), counted.total());
    }

    @Test
    void kerasResNet50At224() {
        ComputationGraphConfiguration.GraphBuilder g = graph(224, 224, 3);
        String last = new ResNetBuilder(ResNetSpec.resnet50(1000)).addTo(g, "in");
        MultiplyAdds counted = MultiplyAdds.of(g.setOutputs(last).build(), InputType.convolutional(224, 224, 3));
        // Keras' v1 layout (stride on the first 1x1 of a stage): 3.858e9, against torchvision's 4.089e9 with the
        // stride on the 3x3; derived block by block from the architecture
        assertEquals(3_857_973_248L, counted.total());
        assertEquals(112L * 112 * 64 * 7 * 7 * 3, counted.perVertex().get("conv1"));
    }

    @Test
    void resNeXtsAt224CountTheirGroupedConvolutions() {
        // derived the same way, block by block, with the 3x3 in 32 groups: ResNeXt-50 32x4d 3.768e9 (Keras layout)
        for (Object[] c : new Object[][] {{"resnext50", 3_768_057_856L}, {"resnext101", 7_507_574_784L}, {"resnet101", 7_570_194_432L}}) {
            ComputationGraphConfiguration.GraphBuilder g = graph(224, 224, 3);
            String last = new ResNetBuilder(ResNetSpec.named((String) c[0], 1000)).addTo(g, "in");
            assertEquals(c[1], MultiplyAdds.of(g.setOutputs(last).build(), InputType.convolutional(224, 224, 3)).total(), (String) c[0]);
        }
    }

    @Test
    void aParametrisedLayerWithoutARuleIsAnError() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.recurrent(4, 5))
                .addLayer("lstm", new LSTM.Builder().nOut(3).build(), "in").setOutputs("lstm").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiplyAdds.of(conf, InputType.recurrent(4, 5)));
        assertTrue(e.getMessage().contains("lstm (LSTM)"), e.getMessage());
    }
}

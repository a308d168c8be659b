package org.detsearch.bench;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.model.MultiplyAdds;
import org.detsearch.nn.GemmConvolution2D;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

/**
 * A convolution as the detectors run it, in each {@link Implementation}: a one-layer network (the convolution, same
 * padding, then a mean-squared-error loss on its output) timed in inference ({@code output}: the forward pass) and in
 * training ({@code fit}: forward, backward to the input and the kernel; the updater is a no-op). GFLOP/s are counted from the
 * layer's multiply-adds ({@link MultiplyAdds}): 2 per multiply-add forward, 3 times that forward + backward.
 */
public record ConvBenchmark(List<Shape> shapes, int batch, int warmup, int repeats) {
    public ConvBenchmark {
        if (shapes.isEmpty() || batch < 1 || warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("need shapes, batch >= 1, warm-up >= 0 and repeats >= 1");
        }
        shapes = List.copyOf(shapes);
    }

    /** One convolution: {@code in} channels of {@code size} x {@code size} to {@code out} channels. */
    public record Shape(String name, int in, int out, int size, int kernel, int stride) {
        public Shape {
            if (in < 1 || out < 1 || size < 1 || kernel < 1 || stride < 1) {
                throw new IllegalArgumentException("a convolution shape needs positive sizes: " + name);
            }
        }

        /** The same convolution on a feature map {@code scale} times as large (at least 1 x 1). */
        public Shape scaled(double scale) {
            return new Shape(name, in, out, Math.max(1, (int) Math.round(size * scale)), kernel, stride);
        }
    }

    /** Typical convolutions of a ResNet-50 detector at 512 x 512 (stride, channels and map size as they occur). */
    public static List<Shape> detectionShapes() {
        return List.of(
                new Shape("stem 7x7/2, 3->64 @512", 3, 64, 512, 7, 2),
                new Shape("res2 3x3, 64->64 @128", 64, 64, 128, 3, 1),
                new Shape("res4 3x3, 256->256 @32", 256, 256, 32, 3, 1),
                new Shape("res4 1x1, 256->1024 @32", 256, 1024, 32, 1, 1),
                new Shape("head 3x3, 256->256 @64 (P3)", 256, 256, 64, 3, 1));
    }

    /** Who computes the convolution: DL4J's {@link ConvolutionLayer} (libnd4j's conv2d) or {@link GemmConvolution2D}. */
    public enum Implementation {
        DL4J, PRODUCTS;

        ConvolutionLayer layer(ConvolutionLayer.Builder builder) {
            return this == DL4J ? builder.build() : new GemmConvolution2D(builder);
        }
    }

    public record Measurement(Shape shape, Implementation implementation, long multiplyAdds, double forwardSeconds, double forwardGflops,
                              double trainingSeconds, double trainingGflops) {
    }

    /** Every shape in every implementation, DL4J's first. */
    public List<Measurement> run() {
        List<Measurement> measured = new ArrayList<>();
        for (Shape shape : shapes) {
            for (Implementation implementation : Implementation.values()) {
                measured.add(measure(shape, implementation));
            }
        }
        return measured;
    }

    private Measurement measure(Shape shape, Implementation implementation) {
        ComputationGraphConfiguration conf = network(shape, implementation);
        long multiplyAdds = MultiplyAdds.of(conf, InputType.convolutional(shape.size(), shape.size(), shape.in())).total();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, shape.in(), shape.size(), shape.size());
        long[] outShape = net.outputSingle(input).shape();
        MultiDataSet data = new MultiDataSet(input, Nd4j.rand(DataType.FLOAT, outShape));
        double forward = best(() -> net.outputSingle(input));
        double training = best(() -> net.fit(data));
        double flops = 2.0 * multiplyAdds * batch;
        return new Measurement(shape, implementation, multiplyAdds, forward, flops / forward / 1e9, training, 3 * flops / training / 1e9);
    }

    private double best(Runnable step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            step.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }

    private static ComputationGraphConfiguration network(Shape shape, Implementation implementation) {
        return new NeuralNetConfiguration.Builder().updater(new NoOp()).seed(1).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(shape.size(), shape.size(), shape.in()))
                .addLayer("conv", implementation.layer(new ConvolutionLayer.Builder(shape.kernel(), shape.kernel())
                        .stride(shape.stride(), shape.stride()).convolutionMode(ConvolutionMode.Same).nOut(shape.out()).hasBias(false)
                        .activation(Activation.IDENTITY)), "input")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv")
                .setOutputs("loss").build();
    }
}

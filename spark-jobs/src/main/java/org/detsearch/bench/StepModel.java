package org.detsearch.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.coco.CocoCategory;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.PreparedImage;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.EfficientDetSpec;
import org.detsearch.model.MultiplyAdds;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.detsearch.nats.BiLevelTraining;
import org.detsearch.nats.SearchOptimisation;
import org.detsearch.nats.SearchSpace;
import org.detsearch.nats.SupernetBackbone;
import org.detsearch.train.DetectionBatches;
import org.detsearch.train.OptimizerSpec;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainSpec;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A network whose training step {@code bench train} times, initialised and ready to fit, with a maker of synthetic
 * minibatches for it (random pixels; for detectors random boxes encoded into real anchor targets by the training
 * pipeline's own {@link DetectionBatches}).
 *
 * <ul>
 * <li>{@code resnet50}: the classifier-free ResNet-50 backbone, trained through a mean-squared-error loss on C5 against
 * random targets (no detector on top);</li>
 * <li>{@code nats-resnet50}: its NATS supernet (the paper's search space: every searched 3x3 convolution computes every
 * dilation candidate), gated for the bi-level search and timed in its weight steps, the same loss;</li>
 * <li>{@code retinanet-r50}: RetinaNet-R50 as published, 80 classes;</li>
 * <li>{@code efficientdet-d0}: EfficientDet-D0 as the official row, 90 classes;</li>
 * <li>{@code tiny}: the demo's detector (its {@code demo.train.model} section), 6 classes.</li>
 * </ul>
 * Detectors are built exactly as {@code train} builds them ({@link TrainJob#fresh}) with the {@code train} section's
 * optimiser ({@code demo.train}'s for tiny); the backbones with the same optimiser settings.
 *
 * @param multiplyAdds one forward pass of one image, as {@link MultiplyAdds} counts
 */
public record StepModel(String name, ComputationGraph net, int imageSize, long multiplyAdds, long trainableParams,
                        BatchMaker batches) {
    public static final List<String> NAMES = List.of("resnet50", "nats-resnet50", "retinanet-r50", "efficientdet-d0", "tiny");

    /** Synthetic minibatches: the i-th of {@code size} images. */
    @FunctionalInterface
    public interface BatchMaker {
        MultiDataSet batch(int index, int size);
    }

    /** The default input side of a model: 512, the demo's for tiny. */
    public static int defaultImageSize(String name, Config conf) {
        return name.equals("tiny") ? tinySection(conf).getInt("model.image-size") : 512;
    }

    /**
     * Builds {@code name} at {@code imageSize} from {@code conf} (reference.conf's {@code train} and {@code demo}
     * sections), with an optimiser schedule of {@code steps} iterations.
     */
    public static StepModel build(String name, int imageSize, Config conf, int steps) throws IOException {
        TrainSpec train = trainSpec(name, imageSize, conf);
        return switch (name) {
            case "resnet50" -> backbone(name, new ResNetBuilder(ResNetSpec.resnet50(0)), imageSize, train.optimizer(), steps, false);
            case "nats-resnet50" -> backbone(name, new SupernetBackbone(ResNetSpec.resnet50(0), SearchSpace.paper()), imageSize,
                    train.optimizer(), steps, true);
            default -> detector(name, detectorSpec(name, imageSize, conf), train, steps);
        };
    }

    /** The detector {@code name} names (not the backbones), at {@code imageSize}. */
    public static DetectorSpec detectorSpec(String name, int imageSize, Config conf) {
        return switch (name) {
            case "retinanet-r50" -> RetinaNetSpec.retinaNetR50(80, imageSize);
            case "efficientdet-d0" -> EfficientDetSpec.named("efficientdet-d0").withImageSize(imageSize);
            case "tiny" -> DetectorSpec.fromConfig(tinyTrain(conf, imageSize).sub("model"), 6);
            case "resnet50", "nats-resnet50" -> throw new IllegalArgumentException(name + " is a backbone, not a detector");
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    /** How {@code train} would train {@code name}: the {@code train} section, or for tiny the demo's over it. */
    public static TrainSpec trainSpec(String name, int imageSize, Config conf) {
        return TrainSpec.fromConfig(name.equals("tiny") ? tinyTrain(conf, imageSize) : ConfigView.of(conf, "train"), imageSize);
    }

    private static ConfigView tinyTrain(Config conf, int imageSize) {
        Config tiny = tinySection(conf).withValue("model.image-size", ConfigValueFactory.fromAnyRef(imageSize));
        return ConfigView.of(tiny.atKey("train"), "train");
    }

    /** The demo's train section over the top-level one. */
    private static Config tinySection(Config conf) {
        return conf.getConfig("demo.train").withFallback(conf.getConfig("train"));
    }

    private static StepModel detector(String name, DetectorSpec spec, TrainSpec train, int steps) throws IOException {
        List<CocoCategory> categories = IntStream.range(0, spec.numClasses())
                .mapToObj(i -> new CocoCategory(i + 1, "class" + i, "synthetic")).toList();
        ComputationGraph net = TrainJob.fresh(new HadoopFiles(new Configuration()), spec, train, categories, steps, steps, "").net();
        long multiplyAdds = MultiplyAdds.of(net.getConfiguration(), InputType.convolutional(spec.imageSize(), spec.imageSize(), 3)).total();
        DetectionBatches batches = new DetectionBatches(new TargetEncoder(new AnchorGrid(spec.anchors(), spec.imageSize(),
                spec.imageSize()), spec.numClasses()));
        int size = spec.imageSize();
        return new StepModel(name, net, size, multiplyAdds, org.detsearch.model.ParameterCount.of(net).trainable(),
                (index, batch) -> batches.batch(IntStream.range(0, batch)
                        .mapToObj(i -> syntheticImage(index * batch + i, size, spec.numClasses())).toList()));
    }

    /** Random pixels and one to three random boxes of random classes. */
    static PreparedImage syntheticImage(long id, int size, int numClasses) {
        Random random = new Random(id);
        float[] chw = new float[3 * size * size];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) random.nextGaussian();
        }
        int boxes = 1 + random.nextInt(3);
        double[] corners = new double[4 * boxes];
        int[] labels = new int[boxes];
        for (int b = 0; b < boxes; b++) {
            double h = size * (0.1 + 0.5 * random.nextDouble());
            double w = size * (0.1 + 0.5 * random.nextDouble());
            double y = random.nextDouble() * (size - h);
            double x = random.nextDouble() * (size - w);
            corners[4 * b] = y;
            corners[4 * b + 1] = x;
            corners[4 * b + 2] = y + h;
            corners[4 * b + 3] = x + w;
            labels[b] = random.nextInt(numClasses);
        }
        return new PreparedImage(id, size, chw, corners, labels, new boolean[boxes], 1.0, size, size);
    }

    private static StepModel backbone(String name, Backbone backbone, int imageSize, OptimizerSpec o, int steps, boolean supernet) {
        // the settings RetinaNetBuilder gives a detector's layers
        TrainingSettings training = new TrainingSettings(o.updater(steps, steps), o.weightDecay(), o.gradientClip(), 42);
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(training.seed()).updater(training.updater()).l2(training.weightDecay()).weightInit(WeightInit.RELU)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(training.gradientClip())
                .graphBuilder().addInputs(DetectorSpec.INPUT).setInputTypes(InputType.convolutional(imageSize, imageSize, 3));
        String last = backbone.addTo(graph, DetectorSpec.INPUT);
        ComputationGraphConfiguration conf = graph
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), last)
                .setOutputs("loss").build();
        if (supernet) {
            // every timed step is a weight step of the frozen first epoch: the cost of the supernet's forward and backward
            conf = BiLevelTraining.prepare(conf, SearchOptimisation.paper(), steps);
        }
        long multiplyAdds = MultiplyAdds.of(conf, InputType.convolutional(imageSize, imageSize, 3)).total();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) conf.getLayerActivationTypes(
                InputType.convolutional(imageSize, imageSize, 3)).get(last);
        return new StepModel(name, net, imageSize, multiplyAdds, org.detsearch.model.ParameterCount.of(net).trainable(),
                (index, batch) -> {
                    Nd4j.getRandom().setSeed(index);
                    return new MultiDataSet(Nd4j.randn(DataType.FLOAT, batch, 3, imageSize, imageSize),
                            Nd4j.randn(DataType.FLOAT, batch, out.getChannels(), out.getHeight(), out.getWidth()));
                });
    }
}

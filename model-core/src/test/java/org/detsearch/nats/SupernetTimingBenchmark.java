package org.detsearch.nats;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.Backbone;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.model.ParameterCount;
import org.detsearch.model.RetinaNetBuilder;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.detsearch.train.DetectionBatches;
import org.detsearch.train.SyntheticDetectionImages;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Time per training iteration of a RetinaNet-style detector on the plain backbone, the NATS supernet (paper's set C)
 * and a transformed backbone (random genotype): {@code SupernetTimingBenchmark [blocks-per-stage width size batch]}.
 * Not a test: run it by hand (README, NATS section).
 */
public final class SupernetTimingBenchmark {
    private SupernetTimingBenchmark() {
    }

    /** CPU time of the whole process (ND4J's native threads included): wall time depends on what else runs. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int[] blocks = args.length > 0 ? java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {3, 4, 6, 3};
        double width = args.length > 1 ? Double.parseDouble(args[1]) : 0.25;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        ResNetSpec resnet = new ResNetSpec("bench", blocks, width, 0);
        Path tmp = Files.createTempDirectory("nats-bench");
        SyntheticDetectionImages synthetic = SyntheticDetectionImages.generate(tmp, 1, batch, size);
        RetinaNetSpec spec = new RetinaNetSpec(resnet, 32, 1, 0, AnchorSpec.EFFICIENTDET, synthetic.numClasses(), size);
        MultiDataSet data = new DetectionBatches(new TargetEncoder(new AnchorGrid(spec.anchors(), size, size), spec.numClasses()))
                .batch(synthetic.images());
        SearchSpace space = SearchSpace.paper();
        SupernetBackbone supernet = new SupernetBackbone(resnet, space);
        Backbone[] backbones = {new ResNetBuilder(resnet), supernet,
                new TransformedBackbone(resnet, TransformationTest.randomGenotype(resnet, space, 1))};
        String[] names = {"plain", "supernet", "transformed"};
        for (int b = 0; b < backbones.length; b++) {
            var conf = RetinaNetBuilder.build(spec, backbones[b], new TrainingSettings(new Nesterovs(0.01, 0.9), 1e-4, 10, 1));
            ComputationGraph net = new ComputationGraph(b == 1 ? BiLevelTraining.prepare(conf, new BiLevelSchedule(0)) : conf);
            net.init();
            net.fit(data); // warm-up
            int iterations = 4;
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            for (int i = 0; i < iterations; i++) {
                net.fit(data);
            }
            double seconds = (System.nanoTime() - start) / 1e9 / iterations;
            double cpu = (processCpuNanos() - cpuStart) / 1e9 / iterations;
            System.out.printf("%-11s %s, %d px, batch %d: %.2f s CPU (%.2f s wall) per iteration, %,d trainable parameters%n",
                    names[b], resnet, size, batch, cpu, seconds, ParameterCount.of(net).trainable());
        }
    }
}

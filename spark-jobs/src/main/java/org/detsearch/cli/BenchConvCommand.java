package org.detsearch.cli;

import org.detsearch.bench.BenchmarkLog;
import org.detsearch.bench.ConvBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detsearch bench conv}: DL4J's conv2d and DetSearch's matrix-product convolution, forward and forward +
 * backward, at typical detection shapes.
 */
@Command(name = "conv", mixinStandardHelpOptions = true,
        description = {"A convolution (a one-layer network) at typical shapes of a ResNet-50 detector at 512 x 512, computed by",
                "DL4J's conv2d (dl4j) and by DetSearch's GemmConvolution2D (products; DL4J's code where it does not",
                "cover the shape): forward (output) and forward + backward (fit, no-op updater), GFLOP/s from the",
                "layer's multiply-adds (x 2 forward, x 6 forward + backward), best of --repeats after --warmup."})
public final class BenchConvCommand implements Callable<Integer> {
    static final String NAME = "conv";

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Option(names = "--batch", defaultValue = "2", description = "Images per pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--scale", defaultValue = "1.0",
            description = "Multiplier of every shape's feature-map side (default: ${DEFAULT-VALUE}; < 1 for a quick run)")
    double scale;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed passes per shape (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed passes per shape (default: ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (!(scale > 0 && scale <= 4)) {
            throw new ParameterException(spec.commandLine(), "--scale must be in (0, 4], not " + scale);
        }
        ConvBenchmark benchmark;
        try {
            benchmark = new ConvBenchmark(ConvBenchmark.detectionShapes().stream().map(s -> s.scaled(scale)).toList(),
                    batch, warmup, repeats);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<ConvBenchmark.Measurement> measured = benchmark.run();
        for (ConvBenchmark.Measurement m : measured) {
            out.printf(Locale.ROOT, "bench conv: %-30s (%d px) %-8s: forward %.4f s = %.1f GFLOP/s, forward + backward %.4f s = %.1f GFLOP/s%n",
                    m.shape().name(), m.shape().size(), label(m.implementation()), m.forwardSeconds(), m.forwardGflops(),
                    m.trainingSeconds(), m.trainingGflops());
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("batch", batch);
        parameters.put("scale", scale);
        parameters.put("warmup", warmup);
        parameters.put("repeats", repeats);
        Map<String, Object> results = new LinkedHashMap<>();
        List<String> headline = new ArrayList<>();
        for (ConvBenchmark.Implementation implementation : ConvBenchmark.Implementation.values()) {
            List<ConvBenchmark.Measurement> mine = measured.stream().filter(m -> m.implementation() == implementation).toList();
            double forward = mine.stream().mapToDouble(ConvBenchmark.Measurement::forwardGflops).max().orElseThrow();
            double training = mine.stream().mapToDouble(ConvBenchmark.Measurement::trainingGflops).max().orElseThrow();
            // every multiply-add of the shapes over every second spent: what a network of exactly these layers would reach
            double allTraining = 6.0 * batch * mine.stream().mapToLong(ConvBenchmark.Measurement::multiplyAdds).sum()
                    / mine.stream().mapToDouble(ConvBenchmark.Measurement::trainingSeconds).sum() / 1e9;
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("bestForwardGflops", forward);
            summary.put("bestTrainingGflops", training);
            summary.put("overallTrainingGflops", allTraining);
            results.put(label(implementation), summary);
            headline.add(String.format(Locale.ROOT, "%s: forward up to %.1f GFLOP/s, forward + backward up to %.1f (all shapes together %.1f)",
                    label(implementation), forward, training, allTraining));
        }
        results.put("shapes", measured);
        output.record(new BenchmarkLog.Result(NAME, parameters, results, String.join("; ", headline) + " GFLOP/s", "", null), NAME, out);
        return ExitCodes.OK;
    }

    private static String label(ConvBenchmark.Implementation implementation) {
        return implementation.name().toLowerCase(Locale.ROOT);
    }
}

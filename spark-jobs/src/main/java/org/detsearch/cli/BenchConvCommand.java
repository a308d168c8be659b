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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch bench conv}: DL4J conv2d forward and forward + backward at typical detection shapes. */
@Command(name = "conv", mixinStandardHelpOptions = true,
        description = {"DL4J conv2d (a one-layer network) at typical shapes of a ResNet-50 detector at 512 x 512: forward",
                "(output) and forward + backward (fit, no-op updater), GFLOP/s from the layer's multiply-adds",
                "(x 2 forward, x 6 forward + backward), best of --repeats after --warmup."})
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
            out.printf(Locale.ROOT, "bench conv: %-30s (%d px): forward %.4f s = %.1f GFLOP/s, forward + backward %.4f s = %.1f GFLOP/s%n",
                    m.shape().name(), m.shape().size(), m.forwardSeconds(), m.forwardGflops(), m.trainingSeconds(), m.trainingGflops());
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("batch", batch);
        parameters.put("scale", scale);
        parameters.put("warmup", warmup);
        parameters.put("repeats", repeats);
        double forward = measured.stream().mapToDouble(ConvBenchmark.Measurement::forwardGflops).max().orElseThrow();
        double training = measured.stream().mapToDouble(ConvBenchmark.Measurement::trainingGflops).max().orElseThrow();
        // every multiply-add of the shapes over every second spent: what a network of exactly these layers would reach
        double allTraining = 6.0 * batch * measured.stream().mapToLong(ConvBenchmark.Measurement::multiplyAdds).sum()
                / measured.stream().mapToDouble(ConvBenchmark.Measurement::trainingSeconds).sum() / 1e9;
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("bestForwardGflops", forward);
        results.put("bestTrainingGflops", training);
        results.put("overallTrainingGflops", allTraining);
        results.put("shapes", measured);
        output.record(new BenchmarkLog.Result(NAME, parameters, results, String.format(Locale.ROOT,
                "forward up to %.1f GFLOP/s, forward + backward up to %.1f (all shapes together %.1f) GFLOP/s", forward, training,
                allTraining), "", null), NAME, out);
        return ExitCodes.OK;
    }
}

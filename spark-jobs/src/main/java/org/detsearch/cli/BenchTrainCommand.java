package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import org.detsearch.bench.BenchmarkLog;
import org.detsearch.bench.StepModel;
import org.detsearch.bench.TrainingSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code detsearch bench train}: single-JVM training-step throughput of a named model, as a share of the GEMM peak. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Time training steps (ComputationGraph.fit on synthetic minibatches: random pixels, random boxes",
                "encoded into real targets) of a named model in this JVM: images/s, and GFLOP/s = multiply-adds x 2 x 3",
                "per image (forward + backward), as a share of the GEMM peak of the latest bench gemm result (or one",
                "measured quickly when there is none)."})
public final class BenchTrainCommand implements Callable<Integer> {
    static final String NAME = "train";
    static final double PEAK_SHARE_GOAL = 0.30;
    static final double SUPERNET_SLOWDOWN_GOAL = 1.2;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Mixin
    ConfigOptions config;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "One of: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    String model;

    @Option(names = "--image-size", paramLabel = "PX", description = "Square input side (default: 512; tiny: the demo's)")
    Integer imageSize;

    @Option(names = "--batch", defaultValue = "2", description = "Images per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--gemm-json", paramLabel = "FILE", description = "The bench gemm result to read the peak from"
            + " (default: target/bench/bench-gemm.json)")
    Path gemmJson;

    @Option(names = "--baseline-json", paramLabel = "FILE", description = "nats-resnet50 only: the resnet50 result it is"
            + " compared with (default: target/bench/bench-train-resnet50.json)")
    Path baselineJson;

    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return StepModel.NAMES.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        Config conf = config.load(Map.of());
        if (!StepModel.NAMES.contains(model)) {
            throw new ParameterException(spec.commandLine(), "unknown model '" + model + "'; known: " + String.join(", ", StepModel.NAMES));
        }
        TrainingSteps timing;
        try {
            timing = new TrainingSteps(batch, warmup, steps);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        int size = imageSize != null ? imageSize : StepModel.defaultImageSize(model, conf);
        PrintWriter out = spec.commandLine().getOut();
        BenchGemmCommand.Peak peak = BenchGemmCommand.peak(gemmJson != null ? gemmJson : BenchOutput.defaultJson(BenchGemmCommand.NAME), out);
        StepModel network;
        try {
            network = StepModel.build(model, size, conf, warmup + steps);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), model + " at " + size + " px: " + e.getMessage());
        }
        out.printf(Locale.ROOT, "bench train: %s at %d px, batch %d: %,d trainable parameters, %,d multiply-adds per image%n",
                model, size, batch, network.trainableParams(), network.multiplyAdds());
        TrainingSteps.Measurement measured = timing.run(network);
        double gflops = network.multiplyAdds() * 6.0 * measured.imagesPerSecond() / 1e9;
        double share = gflops / peak.gflops();

        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("model", model);
        parameters.put("imageSize", size);
        parameters.put("batch", batch);
        parameters.put("steps", steps);
        parameters.put("warmup", warmup);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("trainableParams", network.trainableParams());
        results.put("multiplyAddsPerImage", network.multiplyAdds());
        results.put("stepSeconds", measured.stepSeconds());
        results.put("meanStepSeconds", measured.meanStepSeconds());
        results.put("minStepSeconds", measured.minStepSeconds());
        results.put("imagesPerSecond", measured.imagesPerSecond());
        results.put("trainingGflops", gflops);
        results.put("gemmPeakGflops", peak.gflops());
        results.put("gemmPeakSource", peak.source());
        results.put("shareOfGemmPeak", share);
        String headline = String.format(Locale.ROOT, "%.3f images/s, %.2f s/step, %.1f GFLOP/s = %.1f%% of GEMM peak %.1f",
                measured.imagesPerSecond(), measured.meanStepSeconds(), gflops, 100 * share, peak.gflops());
        String goal = "";
        Boolean met = null;
        if (model.equals("resnet50")) {
            goal = "ResNet-50 step at 512 >= 30% of the GEMM peak";
            met = size == 512 ? share >= PEAK_SHARE_GOAL : null;
        } else if (model.equals("nats-resnet50")) {
            goal = "supernet step <= 1.2 x (its multiply-add ratio to resnet50) x the resnet50 step";
            Optional<JsonNode> baseline = BenchmarkLog.read(baselineJson != null ? baselineJson : BenchOutput.defaultJson(NAME + "-resnet50"));
            if (baseline.isPresent() && baseline.get().at("/parameters/imageSize").asInt() == size
                    && baseline.get().at("/parameters/batch").asInt() == batch) {
                double stepRatio = measured.meanStepSeconds() / baseline.get().at("/results/meanStepSeconds").asDouble();
                double floor = (double) network.multiplyAdds() / baseline.get().at("/results/multiplyAddsPerImage").asLong();
                results.put("stepRatioToResnet50", stepRatio);
                results.put("multiplyAddRatioToResnet50", floor);
                met = stepRatio <= SUPERNET_SLOWDOWN_GOAL * floor;
                headline += String.format(Locale.ROOT, "; %.2fx the resnet50 step (multiply-adds %.2fx)", stepRatio, floor);
            } else {
                headline += "; no resnet50 result at the same size and batch to compare with";
            }
        }
        output.record(new BenchmarkLog.Result(NAME, parameters, results, headline, goal, met), NAME + "-" + model, out);
        return ExitCodes.OK;
    }
}

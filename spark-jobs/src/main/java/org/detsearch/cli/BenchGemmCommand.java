package org.detsearch.cli;

import org.detsearch.bench.BenchmarkLog;
import org.detsearch.bench.GemmBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch bench gemm}: ND4J's sgemm GFLOP/s at large sizes, the practical peak of this CPU. */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"ND4J single-precision GEMM (C = A B, n x n) GFLOP/s = 2 n^3 / seconds, best of --repeats after",
                "--warmup; the highest is the peak that bench train reports its shares of."})
public final class BenchGemmCommand implements Callable<Integer> {
    static final String NAME = "gemm";

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Option(names = "--sizes", split = ",", defaultValue = "1024,2048,3072,4096", paramLabel = "N,...",
            description = "Matrix sides (default: ${DEFAULT-VALUE})")
    List<Integer> sizes;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed products per size (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed products per size (default: ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() throws Exception {
        GemmBenchmark benchmark;
        try {
            benchmark = new GemmBenchmark(sizes, warmup, repeats);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<GemmBenchmark.Measurement> measured = benchmark.run();
        measured.forEach(m -> out.printf("bench gemm: n = %d: %.4f s, %.1f GFLOP/s%n", m.size(), m.bestSeconds(), m.gflops()));
        output.record(result(benchmark, measured), NAME, out);
        return ExitCodes.OK;
    }

    static BenchmarkLog.Result result(GemmBenchmark benchmark, List<GemmBenchmark.Measurement> measured) {
        GemmBenchmark.Measurement peak = GemmBenchmark.peak(measured);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("sizes", benchmark.sizes());
        parameters.put("warmup", benchmark.warmup());
        parameters.put("repeats", benchmark.repeats());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("peakGflops", peak.gflops());
        results.put("peakSize", peak.size());
        results.put("sizes", measured);
        return new BenchmarkLog.Result(NAME, parameters, results,
                String.format(java.util.Locale.ROOT, "peak %.1f GFLOP/s (n = %d)", peak.gflops(), peak.size()),
                "the reference peak of the other benchmarks' shares", null);
    }

    /** The GEMM peak another benchmark is a share of, and where it came from. */
    record Peak(double gflops, String source) {
    }

    /** The peak of the bench gemm result at {@code json}, or, when there is none, one measured now (sizes 1024 and 2048). */
    static Peak peak(Path json, PrintWriter out) throws java.io.IOException {
        java.util.Optional<com.fasterxml.jackson.databind.JsonNode> saved = BenchmarkLog.read(json);
        if (saved.isPresent() && saved.get().at("/results/peakGflops").asDouble() > 0) {
            return new Peak(saved.get().at("/results/peakGflops").asDouble(), json.toString());
        }
        out.println("bench: no GEMM result at " + json + "; measuring the peak quickly (n = 1024, 2048)");
        double gflops = GemmBenchmark.peak(new GemmBenchmark(List.of(1024, 2048), 1, 2).run()).gflops();
        return new Peak(gflops, "measured now (n = 1024, 2048)");
    }
}

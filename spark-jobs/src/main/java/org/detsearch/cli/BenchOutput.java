package org.detsearch.cli;

import org.detsearch.bench.BenchmarkLog;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Where a bench command writes: its JSON result and the benchmark table it appends a row to. */
public final class BenchOutput {
    /** Folder of the default JSON results, where one benchmark looks for another's (e.g. the GEMM peak). */
    static final Path DEFAULT_FOLDER = Path.of("target", "bench");

    @Option(names = "--json", paramLabel = "FILE", description = "JSON result (default: target/bench/bench-<benchmark>.json)")
    Path json;

    @Option(names = "--log", paramLabel = "FILE", defaultValue = "BENCHMARKS.md",
            description = "Benchmark table to append a row to (default: ${DEFAULT-VALUE}, run from the repository root)")
    Path log;

    /** The default result file of a benchmark ({@code name} as in {@code bench-<name>.json}). */
    static Path defaultJson(String name) {
        return DEFAULT_FOLDER.resolve("bench-" + name + ".json");
    }

    /** Writes the JSON ({@code --json}, else the default for {@code name}) and the table row, and says where. */
    void record(BenchmarkLog.Result result, String name, PrintWriter out) throws IOException {
        Path target = json != null ? json : defaultJson(name);
        new BenchmarkLog(log).record(result, target);
        out.printf("bench %s: %s%nbench %s: result in %s, row appended to %s%n", result.benchmark(), result.headline(),
                result.benchmark(), target, log);
    }
}

package org.detsearch.cli;

import picocli.CommandLine.Command;

/** {@code detsearch bench ...}: benchmarks, run by hand (never as timed tests); each prints and writes JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks of this machine and of DetSearch's pieces. Each writes a JSON result (--json) and appends a row",
                "to the benchmark table (--log, default BENCHMARKS.md)."},
        subcommands = {BenchGemmCommand.class, BenchConvCommand.class, BenchTrainCommand.class,
                BenchSparkCommand.class, BenchLoaderCommand.class, BenchEvalCommand.class, BenchSweepCommand.class})
public final class BenchCommand {
}

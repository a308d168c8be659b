package org.detsearch.cli;

import picocli.CommandLine.Command;

/** {@code detsearch bench ...}: benchmarks, run by hand (never as timed tests); each prints and writes JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of this machine and of DetSearch's pieces. Each writes a JSON result.",
        subcommands = {BenchEvalCommand.class})
public final class BenchCommand {
}

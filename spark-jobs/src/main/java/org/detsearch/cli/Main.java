package org.detsearch.cli;

import org.detsearch.config.ConfigValidationException;
import org.detsearch.io.OutputFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code detsearch} command line: one entry point, one subcommand per job. */
@Command(name = "detsearch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Search and scale object-detection architectures (NATS, EfficientDet) on Apache Spark.",
        subcommands = {GenerateDataCommand.class, PrepareCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class, DemoCommand.class, SearchCommand.class, RetrainCommand.class, ModelInfoCommand.class, SweepCommand.class, ReportCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 the job failed, 2 bad usage or bad config, 3 a sweep finished with failed trials."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    public static void main(String[] args) {
        ConsoleNoiseFilter.install();
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI and returns its exit code (tests call this; main exits with it). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean usage = isUsageError(e);
            String name = commandLine.getCommandName();
            commandLine.getErr().println(name + ": " + (usage ? "" : "failed: ") + message(e));
            // --verbose belongs to the subcommand: the top-level parse result does not see it
            CommandLine.ParseResult command = parseResult;
            while (command.hasSubcommand()) {
                command = command.subcommand();
            }
            if (command.hasMatchedOption("--verbose")) {
                e.printStackTrace(commandLine.getErr());
            }
            return usage ? ExitCodes.USAGE : ExitCodes.JOB_FAILED;
        });
        return cli.execute(args);
    }

    static boolean isUsageError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigValidationException || t instanceof OutputFolder.OutputExistsException) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}

package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.config.ConfigRedactor;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.spark.SparkSessions;
import org.detsearch.sweep.SweepJob;
import org.detsearch.sweep.SweepSpec;
import org.detsearch.sweep.TrialStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch sweep}: a grid, compound or coefficient sweep, one Spark task per trial, resumable. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a sweep of detector variants (sweep.* keys): plan the trials, skip those already done, run the",
                "others as one Spark task each, write one record per trial and rebuild <sweep>/results (Parquet, CSV).",
                "Run it again to retry failed trials; trials done before are not trained again.",
                "Exit codes: 0 every trial done or skipped, 3 some trials failed, 1 the run failed (including: another",
                "run holds the sweep), 2 bad usage or configuration."})
public final class SweepCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR", description = "Sweep folder, any Hadoop path (sweep.output)")
    String output;

    @Option(names = "--dry-run", description = "Only build and count each trial's model (sweep.dry-run)")
    Boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("sweep.output", output);
        shorthands.put("sweep.dry-run", dryRun == null ? null : dryRun.toString());
        Config conf = config.load(shorthands);
        SweepJob.Result result;
        try (SparkSession spark = SparkSessions.create(conf, "detsearch sweep")) {
            ModelFamilies families = ModelFamilies.builtIn();
            SweepSpec sweep = SweepSpec.from(ConfigView.of(conf, SweepSpec.SECTION),
                    new HadoopFiles(spark.sparkContext().hadoopConfiguration()), families, spark.sparkContext().defaultParallelism());
            result = new SweepJob(spark, families).run(sweep, ConfigRedactor.render(conf, Sections.ALL));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("sweep: %d trials, %d run now: %s%n", result.planned(), result.ran(), result.statuses());
        out.printf("sweep: results in %s (trials.parquet, trials.csv); report: detsearch report --sweep %s%n",
                result.results(), result.sweep());
        long failed = result.count(TrialStatus.FAILED.name());
        if (failed > 0) {
            spec.commandLine().getErr().printf("sweep: %d trials FAILED (their records in the trial store hold the errors);"
                    + " run the sweep again to retry them%n", failed);
            return ExitCodes.TRIALS_FAILED;
        }
        return ExitCodes.OK;
    }
}

package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.bench.BenchmarkLog;
import org.detsearch.config.ConfigLoader;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.spark.SparkSessions;
import org.detsearch.sweep.SweepJob;
import org.detsearch.sweep.SweepSpec;
import org.detsearch.sweep.TrialRecord;
import org.detsearch.sweep.TrialStatus;
import org.detsearch.sweep.TrialStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detsearch bench sweep}: a sweep's overhead, the time it spends not training or evaluating. Runs a small sweep
 * (the built-in tiny grid, or {@code -c FILE}) into a fresh folder on generated shards and reads its trial records'
 * timings (build, latency, train, evaluation, total) and the driver's phases ({@link SweepJob.Timings}).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a small sweep (without -c: a grid of two tiny RetinaNets, written to <work>/bench-sweep.conf; with",
                "-c FILE: that sweep) into a fresh folder on generated shards, and report the share of its time not spent",
                "training or evaluating: inside each trial (model build and counting, latency, record) and on the driver",
                "(planning, compaction, results). The sweep's data paths default to the generated shards."})
public final class BenchSweepCommand implements Callable<Integer> {
    static final String NAME = "sweep";
    static final double OVERHEAD_GOAL = 0.05;
    /** Two tiny trials of a few training steps each: what the overhead is a share of is kept small but real. */
    static final String TINY_SWEEP = """
            # bench sweep's built-in sweep: two tiny RetinaNets (head depth 1 and 2), 8 training images, 4 evaluated
            sweep {
              grid.axes { head-depth = [1, 2] }
              model.retinanet { width = 0.125, fpn-channels = 16 }
              trial {
                budget { images = 8, batch-size = 2 }
                evaluation.max-images = 4
                latency { warmup = 1, runs = 3 }
              }
            }
            """;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Mixin
    ConfigOptions config;

    @Option(names = "--work", defaultValue = "target/bench-work", description = "Data and sweep folders (default: ${DEFAULT-VALUE})")
    java.nio.file.Path work;

    @Option(names = "--images", defaultValue = "16", description = "Training images generated (default: ${DEFAULT-VALUE})")
    int images;

    @Override
    public Integer call() throws Exception {
        java.nio.file.Path root = work.toAbsolutePath();
        java.io.File job = config.configFile;
        if (job == null) {
            Files.createDirectories(root);
            job = root.resolve("bench-sweep.conf").toFile();
            Files.writeString(job.toPath(), TINY_SWEEP);
        }
        Config loaded = ConfigLoader.load(job, config.overrides);
        PrintWriter out = spec.commandLine().getOut();
        SweepJob.Result result;
        List<TrialRecord> records = new ArrayList<>();
        double wall;
        try (SparkSession spark = SparkSessions.create(loaded, "detsearch bench sweep")) {
            BenchData data = BenchData.prepared(spark, loaded, root, Math.max(images, 4), Math.max(4, images / 4), 128, out);
            Config conf = withDefault(withDefault(withDefault(loaded, "sweep.trial.data.train", data.train().toUri().toString()),
                    "sweep.trial.data.evaluation", data.val().toUri().toString()),
                    "sweep.output", root.resolve("sweep-" + System.currentTimeMillis()).toUri().toString());
            HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
            ModelFamilies families = ModelFamilies.builtIn();
            SweepSpec sweep = SweepSpec.from(ConfigView.of(conf, SweepSpec.SECTION), files, families,
                    spark.sparkContext().defaultParallelism());
            long start = System.nanoTime();
            result = new SweepJob(spark, families).run(sweep, "");
            wall = (System.nanoTime() - start) / 1e9;
            records.addAll(new TrialStore(files, sweep.trialStore()).compact().values());
        }
        double total = 0;
        double working = 0;
        List<Map<String, Object>> trials = new ArrayList<>();
        for (TrialRecord record : records) {
            if (record.status() != TrialStatus.DONE || record.timings() == null) {
                continue;
            }
            Map<String, Double> t = record.timings();
            double trialTotal = t.getOrDefault("totalSeconds", 0.0);
            double trialWork = t.getOrDefault("trainSeconds", 0.0) + t.getOrDefault("evaluationSeconds", 0.0);
            total += trialTotal;
            working += trialWork;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", record.id());
            row.putAll(t);
            row.put("overheadShare", trialTotal > 0 ? 1 - trialWork / trialTotal : 0);
            trials.add(row);
        }
        SweepJob.Timings phases = result.timings();
        double driver = phases.plan() + phases.compactBefore() + phases.compactAfter() + phases.results();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("sweep", config.configFile == null ? "built-in tiny grid" : config.configFile.toString());
        parameters.put("trials", result.planned());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("statuses", result.statuses());
        results.put("wallSeconds", wall);
        results.put("driverPhases", phases);
        results.put("trials", trials);
        Boolean met = null;
        String headline;
        if (trials.isEmpty()) {
            headline = "no trial finished DONE: nothing to measure (" + result.statuses() + ")";
        } else {
            double inTrials = 1 - working / total;
            // the driver's own phases count against the trials' time too (run in parallel, trials overlap; the phases do not)
            double overall = 1 - working / (total + driver);
            results.put("inTrialOverheadShare", inTrials);
            results.put("driverSeconds", driver);
            results.put("overheadShare", overall);
            met = overall <= OVERHEAD_GOAL;
            headline = String.format(Locale.ROOT, "overhead %.1f%% of trial time (%.1f%% inside trials, driver %.1f s) over %d DONE"
                    + " trials, %.1f s wall", 100 * overall, 100 * inTrials, driver, trials.size(), wall);
        }
        output.record(new BenchmarkLog.Result(NAME, parameters, results, headline,
                "sweep overhead <= 5% of trial time", met), NAME, out);
        return ExitCodes.OK;
    }

    private static Config withDefault(Config conf, String key, String value) {
        return conf.hasPath(key) && !conf.getString(key).isBlank() ? conf
                : conf.withValue(key, com.typesafe.config.ConfigValueFactory.fromAnyRef(value));
    }

}

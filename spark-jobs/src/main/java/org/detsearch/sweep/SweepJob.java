package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.scaling.Trial;
import org.detsearch.storage.SerializableHadoopConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code detsearch sweep}: plans the trials, takes the sweep's lease, folds the trial records into the store's
 * compacted file, decides what to run (no record yet; FAILED with retries left; SKIPPED that the budget now allows),
 * runs those as one Spark task each (or, data-parallel, one after another from the driver), folds the new records
 * in, and rebuilds the results table from the records. A run finding every trial done trains nothing.
 */
public final class SweepJob {
    private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);

    /**
     * Where a run's time went, in seconds: planning, folding the records in before and after, running the trials
     * (the Spark job, or the driver's loop), writing their records (summed over trials), rebuilding the results.
     */
    public record Timings(double plan, double compactBefore, double trials, double recordWrites, double compactAfter,
                          double results) {
    }

    /** What a run did: trials planned, run now, every planned trial's status at the end, and where the time went. */
    public record Result(Path sweep, int planned, int ran, Map<String, Long> statuses, Path results, Timings timings) {
        public long count(String status) {
            return statuses.getOrDefault(status, 0L);
        }
    }

    private final SparkSession spark;
    private final ModelFamilies families;
    private final HadoopFiles files;

    public SweepJob(SparkSession spark, ModelFamilies families) {
        this.spark = spark;
        this.families = families;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    public static final String RESOLVED_CONF = "resolved.conf";

    /** Runs the sweep; {@code resolvedConfig} (redacted) goes to {@code <sweep>/resolved.conf}. */
    public Result run(SweepSpec spec, String resolvedConfig) throws IOException {
        long t0 = System.nanoTime();
        SweepPlan plan = SweepPlan.of(spec, families);
        double planSeconds = seconds(t0);
        LOG.info("sweep {}: {} trials ({} architectures x {} seeds x {} data subsets, {} kind{}) planned in {} ms", spec.output(),
                plan.trials().size(), plan.architectures(), spec.seeds().size(), spec.dataSubsets().size(),
                spec.kind().name().toLowerCase(), spec.dryRun() ? ", dry run" : "", (System.nanoTime() - t0) / 1_000_000);
        try (SweepLease lease = SweepLease.acquire(files, spec.output(), spec.leaseTtl())) {
            files.writeAtomically(new Path(spec.output(), RESOLVED_CONF), resolvedConfig.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            TrialStore store = new TrialStore(files, spec.trialStore());
            long t = System.nanoTime();
            Map<String, TrialRecord> records = store.compact();
            double compactBefore = seconds(t);
            List<PlannedRun> runs = new ArrayList<>();
            Map<TrialStatus, Integer> kept = new EnumMap<>(TrialStatus.class);
            int exhausted = 0;
            for (Trial trial : plan.trials()) {
                TrialRecord record = records.get(trial.id());
                Integer attempt = attemptToRun(record, spec);
                if (attempt != null) {
                    runs.add(PlannedRun.of(trial, attempt));
                } else {
                    kept.merge(record.status(), 1, Integer::sum);
                    exhausted += record.status() == TrialStatus.FAILED ? 1 : 0;
                }
            }
            LOG.info("sweep {}: {} trials to run, {} done or skipped before, {} failed with no retries left ({} retries allowed)",
                    spec.output(), runs.size(), plan.trials().size() - runs.size() - exhausted, exhausted, spec.retries());
            SweepProgress progress = new SweepProgress(files, spec.output(), plan.trials().size(), kept, runs.size());
            Throwable failure = null;
            double trialSeconds = 0;
            double writeSeconds = 0;
            double compactAfter = 0;
            try {
                progress.start(spec.progressEvery());
                t = System.nanoTime();
                if (!runs.isEmpty()) {
                    writeSeconds = spec.mode() == SweepSpec.ExecutionMode.TRIALS ? runAsTasks(spec, runs, progress, lease)
                            : runFromDriver(spec, runs, progress, store, lease);
                }
                trialSeconds = seconds(t);
            } catch (RuntimeException | IOException | Error e) {
                failure = e;
                throw e;
            } finally {
                progress.close();
                try {
                    long c = System.nanoTime();
                    records = store.compact();
                    compactAfter = seconds(c);
                } catch (IOException | RuntimeException e) {
                    if (failure == null) {
                        throw e;
                    }
                    failure.addSuppressed(e);
                }
            }
            lease.check();
            t = System.nanoTime();
            ResultsTable table = ResultsTable.of(plan.trials(), records);
            Path results = table.write(spark, files, spec.output());
            double resultSeconds = seconds(t);
            LOG.info("sweep {}: results of {} trials rebuilt in {} s ({}/{} and {})", spec.output(), table.rows().size(),
                    resultSeconds, results, ResultsTable.PARQUET, ResultsTable.CSV);
            Map<String, Long> statuses = new java.util.TreeMap<>();
            for (Trial trial : plan.trials()) {
                TrialRecord r = records.get(trial.id());
                statuses.merge(r == null ? ResultsTable.PENDING : r.status().name(), 1L, Long::sum);
            }
            Timings timings = new Timings(planSeconds, compactBefore, trialSeconds, writeSeconds, compactAfter, resultSeconds);
            LOG.info("sweep {}: {}", spec.output(), timings);
            return new Result(spec.output(), plan.trials().size(), runs.size(), statuses, results, timings);
        }
    }

    /** The attempt to run a trial as, or null to keep its record. */
    static Integer attemptToRun(TrialRecord record, SweepSpec spec) {
        if (record == null) {
            return 1;
        }
        return switch (record.status()) {
            case DONE -> null;
            case FAILED -> record.attempt() < 1 + spec.retries() ? record.attempt() + 1 : null;
            case SKIPPED -> record.trainableParams() != null && record.multiplyAdds() != null
                    && spec.budget().allows(record.trainableParams(), record.multiplyAdds()) ? record.attempt() : null;
        };
    }

    /** One Spark task per trial; the driver hears of each as it ends (Spark's result handler), for the progress. */
    private double runAsTasks(SweepSpec spec, List<PlannedRun> runs, SweepProgress progress, SweepLease lease) throws IOException {
        SparkContext sc = spark.sparkContext();
        String gpus = sc.getConf().get("spark.task.resource.gpu.amount", "");
        LOG.info("sweep: {} trial tasks{}", runs.size(), gpus.isEmpty() ? "" : ", " + gpus + " GPU per task");
        JavaRDD<PlannedRun> rdd = JavaSparkContext.fromSparkContext(sc).parallelize(runs, runs.size());
        String group = "detsearch-sweep-" + UUID.randomUUID();
        TaskCounter counter = new TaskCounter(group, progress);
        OutcomeHandler handler = new OutcomeHandler(progress);
        sc.addSparkListener(counter);
        sc.setJobGroup(group, "sweep: " + runs.size() + " trials of " + spec.output(), true);
        try {
            TrialTask task = new TrialTask(new SerializableHadoopConf(sc.hadoopConfiguration()), spec.trialStore(), spec.workDir(),
                    spec.keepWork(), spec.checkpointEvery(), spec.threadsPerTask(), spec.budget(), families);
            sc.runJob(rdd.rdd(), task, handler, ClassTag$.MODULE$.apply(TrialTask.Outcome.class));
        } finally {
            sc.clearJobGroup();
            sc.removeSparkListener(counter);
        }
        lease.check();
        return handler.writeSeconds;
    }

    /** Data-parallel trials: one at a time, each training on every worker. */
    private double runFromDriver(SweepSpec spec, List<PlannedRun> runs, SweepProgress progress, TrialStore store, SweepLease lease)
            throws IOException {
        double writeSeconds = 0;
        TrialRunner runner = new TrialRunner(files, families, new DataParallelTraining(spark), spec.workDir(), spec.keepWork());
        for (PlannedRun run : runs) {
            lease.check();
            progress.taskStarted();
            TrialRecord record = runner.run(run.config(), run.labels(), run.attempt(), spec.budget(), "driver");
            long t = System.nanoTime();
            store.put(record);
            writeSeconds += seconds(t);
            progress.taskEnded();
            progress.trialFinished(record.status());
        }
        return writeSeconds;
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3;
    }

    /** Called on the driver as each trial task's result arrives. */
    private static final class OutcomeHandler extends AbstractFunction2<Object, TrialTask.Outcome, BoxedUnit> implements Serializable {
        private final transient SweepProgress progress;
        /** Written by Spark's scheduler thread, read by the driver after the job. */
        private volatile double writeSeconds;

        OutcomeHandler(SweepProgress progress) {
            this.progress = progress;
        }

        @Override
        public BoxedUnit apply(Object partition, TrialTask.Outcome outcome) {
            progress.trialFinished(outcome.status());
            writeSeconds += outcome.writeSeconds();
            return BoxedUnit.UNIT;
        }
    }

    /** Counts the running tasks of the sweep's job (its job group) for the progress line. */
    private static final class TaskCounter extends SparkListener {
        /** SparkContext.SPARK_JOB_GROUP_ID, which is private to Spark. */
        private static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";
        private final String group;
        private final SweepProgress progress;
        private final Set<Integer> stages = ConcurrentHashMap.newKeySet();

        TaskCounter(String group, SweepProgress progress) {
            this.group = group;
            this.progress = progress;
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
            java.util.Properties properties = submitted.properties();
            if (properties != null && group.equals(properties.getProperty(JOB_GROUP_PROPERTY))) {
                stages.add(submitted.stageInfo().stageId());
            }
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            if (stages.contains(start.stageId())) {
                progress.taskStarted();
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (stages.contains(end.stageId())) {
                progress.taskEnded();
            }
        }
    }
}

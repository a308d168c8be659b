package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.spark.TaskGpu;
import org.detsearch.storage.SerializableHadoopConf;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.OptionalInt;

/**
 * What one Spark task does with its one trial, on the executor: bind ND4J to the GPU Spark assigned the task (on
 * GPU clusters, {@code spark.task.resource.gpu.amount = 1}: one trial per GPU), on CPUs give ND4J's op threads the
 * task's cores ({@code spark.task.cpus}, or the configured count), skip the trial if a DONE record is already there
 * (a retried task or a speculative copy whose twin finished), else run it ({@link TrialRunner}) and write its
 * record. A task killed by Spark (the losing speculative copy, a cancelled job) writes nothing.
 */
public final class TrialTask extends AbstractFunction1<Iterator<PlannedRun>, TrialTask.Outcome> implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(TrialTask.class);

    /** What the driver learns of a task: the trial, its status, and whether an earlier copy had already done it. */
    public record Outcome(String id, TrialStatus status, boolean alreadyDone, double seconds, double writeSeconds)
            implements Serializable {
    }

    private final SerializableHadoopConf hadoop;
    private final String store;
    private final String workRoot;
    private final boolean keepWork;
    private final int checkpointEvery;
    private final int threads;
    private final TrialRecord.Budget budget;
    private final ModelFamilies families;

    public TrialTask(SerializableHadoopConf hadoop, Path store, Path workRoot, boolean keepWork, int checkpointEvery,
                     int threads, TrialRecord.Budget budget, ModelFamilies families) {
        this.hadoop = hadoop;
        this.store = store.toString();
        this.workRoot = workRoot.toString();
        this.keepWork = keepWork;
        this.checkpointEvery = checkpointEvery;
        this.threads = threads;
        this.budget = budget;
        this.families = families;
    }

    @Override
    public Outcome apply(Iterator<PlannedRun> runs) {
        if (!runs.hasNext()) {
            throw new IllegalStateException("a trial task holds one trial, this one none");
        }
        PlannedRun run = runs.next();
        if (runs.hasNext()) {
            throw new IllegalStateException("a trial task holds one trial, this one more (partitioning bug)");
        }
        long start = System.nanoTime();
        TaskContext task = TaskContext.get();
        OptionalInt gpu = TaskGpu.bindCurrentTask();
        if (gpu.isEmpty() && Nd4j.getEnvironment().isCPU()) {
            int n = threads > 0 ? threads : Math.max(1, task == null ? 1 : task.cpus());
            Nd4j.getEnvironment().setMaxThreads(n);
            Nd4j.getEnvironment().setMaxMasterThreads(n);
        }
        HadoopFiles files = new HadoopFiles(hadoop.get());
        TrialStore trials = new TrialStore(files, new Path(store));
        try {
            if (trials.readLoose(run.id()).filter(r -> r.status() == TrialStatus.DONE).isPresent()) {
                return new Outcome(run.id(), TrialStatus.DONE, true, 0, 0);
            }
            TrialRunner runner = new TrialRunner(files, families, new InProcessTraining(files, checkpointEvery),
                    new Path(workRoot), keepWork);
            String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
            TrialRecord record = runner.run(run.config(), run.labels(), run.attempt(), budget, executor);
            if (task != null && task.isInterrupted()) {
                throw new IllegalStateException("trial " + run.id() + ": task killed by Spark; no record written");
            }
            long write = System.nanoTime();
            trials.put(record);
            double writeSeconds = (System.nanoTime() - write) / 1e9;
            LOG.info("trial {} {} in {} s", run.id(), record.status(), record.timings().get("totalSeconds"));
            return new Outcome(run.id(), record.status(), false, (System.nanoTime() - start) / 1e9, writeSeconds);
        } catch (IOException e) {
            // the store is unreachable: an infrastructure failure Spark retries, not the trial's
            throw new UncheckedIOException("trial " + run.id() + ": cannot read or write its record in " + store, e);
        }
    }
}

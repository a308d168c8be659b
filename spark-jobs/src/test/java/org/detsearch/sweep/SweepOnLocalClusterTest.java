package org.detsearch.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.scaling.Trial;
import org.detsearch.testing.LocalClusterSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep on two executor JVMs: one trial deliberately fails (it cannot be built), and the executor training another
 * is killed (SIGKILL) once that trial has checkpointed. Spark runs the lost task again elsewhere, the trial resumes
 * from its checkpoint and finishes; every trial ends with the right status and exactly one record. Run again, the
 * sweep trains nothing.
 */
// trials in fresh executor JVMs load ND4J first; on this 2-core machine under load that took over a minute
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class SweepOnLocalClusterTest {
    @Test
    void aFailingTrialAndAKilledExecutorLeaveTheRightStatusesAndOneRecordEach(@TempDir Path tmp) throws Exception {
        Path data = SweepTestData.shared();
        Path out = tmp.resolve("sweep");
        Config conf = ConfigFactory.parseString("""
                sweep {
                  grid.axes.head-group-norm = [0, 3, 4]
                  model.retinanet { width = 0.125, fpn-channels = 16, head-depth = 1 }
                  execution { retries = 0, checkpoint-every = 1 }
                  trial {
                    budget { images = 4, epochs = 2, batch-size = 2 }
                    evaluation.max-images = 2
                    latency { warmup = 0, runs = 1 }
                  }
                  progress-every = 2s
                }""")
                .withFallback(ConfigFactory.parseMap(Map.of("sweep.output", out.toString(),
                        "sweep.trial.data.train", data.resolve("train").toString(), "sweep.trial.data.evaluation", data.resolve("val").toString())))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        try (LocalClusterSpark cluster = LocalClusterSpark.start(2, 1024)) {
            HadoopFiles files = new HadoopFiles(cluster.session().sparkContext().hadoopConfiguration());
            SweepSpec spec = SweepSpec.from(ConfigView.of(conf, "sweep"), files, ModelFamilies.builtIn(), 2);
            List<Trial> plan = SweepPlan.of(spec, ModelFamilies.builtIn()).trials();
            assertEquals(3, plan.size());

            Map<String, Long> pidByExecutor = cluster.pidsByExecutorId();
            Map<Integer, String> executorByPartition = new ConcurrentHashMap<>();
            SparkListener tasks = new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart start) {
                    executorByPartition.put(start.taskInfo().index(), start.taskInfo().executorId());
                }
            };
            cluster.session().sparkContext().addSparkListener(tasks);
            AtomicReference<String> killedTrial = new AtomicReference<>();
            Thread killer = new Thread(() -> {
                // the first trial to checkpoint is mid-training: kill the executor that trains it
                while (killedTrial.get() == null && !Thread.currentThread().isInterrupted()) {
                    for (int i = 0; i < plan.size(); i++) {
                        String executor = executorByPartition.get(i);
                        if (Files.exists(out.resolve("work").resolve(plan.get(i).id()).resolve("checkpoint.zip"))
                                && executor != null && pidByExecutor.containsKey(executor)) {
                            killedTrial.set(plan.get(i).id());
                            LocalClusterSpark.kill(pidByExecutor.get(executor));
                            break;
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            killer.start();
            SweepJob.Result result;
            try {
                result = new SweepJob(cluster.session(), ModelFamilies.builtIn()).run(spec, "");
            } finally {
                killer.interrupt();
                cluster.session().sparkContext().removeSparkListener(tasks);
            }
            assertNotNull(killedTrial.get(), "an executor was killed in the middle of a trial");
            assertEquals(Map.of("DONE", 2L, "FAILED", 1L), result.statuses(), "3 group-norm groups cannot divide 16 channels");

            TrialStore store = new TrialStore(files, spec.trialStore());
            Map<String, TrialRecord> records = store.compact();
            assertEquals(3, records.size());
            TrialRecord resumed = records.get(killedTrial.get());
            assertEquals(TrialStatus.DONE, resumed.status());
            assertNotNull(resumed.training().resumedFromIteration(), "the retried task resumed from the checkpoint");
            assertEquals(4, resumed.training().iterations());
            for (Trial trial : plan) {
                boolean bad = trial.config().architecture().get("head-group-norm").equals(3L);
                assertEquals(bad ? TrialStatus.FAILED : TrialStatus.DONE, records.get(trial.id()).status(), trial.labels().toString());
                assertFalse(Files.exists(out.resolve("work").resolve(trial.id())) && !bad, "DONE trials leave no work folder");
            }
            List<String> physical = TrialStoreTest.physicalRecords(out.resolve("trials"));
            assertEquals(3, physical.size(), "exactly one record per trial");
            assertEquals(3, physical.stream().distinct().count());

            SweepJob.Result again = new SweepJob(cluster.session(), ModelFamilies.builtIn()).run(spec, "");
            assertEquals(0, again.ran(), "nothing to train: two DONE, one FAILED without retries");
            assertEquals(result.statuses(), again.statuses());
            assertEquals(3, TrialStoreTest.physicalRecords(out.resolve("trials")).size());
            assertEquals(records.get(killedTrial.get()).finishedAt(), store.compact().get(killedTrial.get()).finishedAt());
            assertTrue(Files.exists(out.resolve("results/trials.csv")));
        }
    }
}

package org.detsearch.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoValidator;
import org.detsearch.coco.ValidationPolicy;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.data.PrepareJob;
import org.detsearch.data.PrepareSpec;
import org.detsearch.detection.NmsSpec;
import org.detsearch.evaluation.ModelEvaluation;
import org.detsearch.io.HadoopFiles;
import org.detsearch.testing.LocalClusterSpark;
import org.detsearch.train.TrainJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training on two executor JVMs, one of which is killed (SIGKILL) while an epoch trains: Spark
 * re-runs the lost worker's tasks elsewhere, the job finishes every epoch and its model evaluates.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TrainOnLocalClusterTest {
    @Test
    void anExecutorKilledMidTrainingDoesNotStopTheJobAndTheModelEvaluates(@TempDir Path tmp) throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        SyntheticDatasetSpec synthetic = new SyntheticDatasetSpec(tmp.resolve("synthetic").toString(), 5, 8, 4, 128, 1, 3, 0, 90);
        new SyntheticDatasetGenerator(files).generate(synthetic, false);
        try (LocalClusterSpark cluster = LocalClusterSpark.start(2, 1024)) {
            for (String split : List.of("train", "val")) {
                String annotations = tmp.resolve("synthetic/" + split + "/instances.json").toString();
                new PrepareJob(cluster.session()).run(new PrepareSpec(annotations, tmp.resolve("synthetic/" + split + "/images").toString(),
                        tmp.resolve(split).toString(), 1 << 20, 0, 90, false), new CocoValidator(ValidationPolicy.DEFAULT)
                        .validate(CocoJsonReader.readInstances(files, files.qualify(annotations))), "");
            }
            Map<String, Long> pidByExecutor = cluster.pidsByExecutorId();
            AtomicBoolean secondEpoch = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            SparkListener killer = new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart job) {
                    String description = job.properties().getProperty("spark.job.description", "");
                    secondEpoch.compareAndSet(false, description.startsWith("train: epoch 2"));
                }

                @Override
                public void onTaskStart(SparkListenerTaskStart task) {
                    Long pid = pidByExecutor.get(task.taskInfo().executorId());
                    if (secondEpoch.get() && pid != null && killed.compareAndSet(false, true)) {
                        LocalClusterSpark.kill(pid);
                    }
                }
            };
            cluster.session().sparkContext().addSparkListener(killer);
            Config conf = ConfigFactory.parseMap(Map.ofEntries(
                    Map.entry("train.data", tmp.resolve("train").toString()),
                    Map.entry("train.output", tmp.resolve("run").toString()),
                    Map.entry("train.mode", "spark"), Map.entry("train.workers", 2), Map.entry("train.epochs", 3),
                    Map.entry("train.batch-size", 2), Map.entry("train.model.backbone", "tiny"),
                    Map.entry("train.model.width", 0.125), Map.entry("train.model.fpn-channels", 16),
                    Map.entry("train.model.head-depth", 1), Map.entry("train.model.image-size", 128),
                    Map.entry("train.optimizer.method", "adam"), Map.entry("train.optimizer.learning-rate", 1e-3)))
                    .withFallback(ConfigFactory.defaultReference()).resolve();
            TrainJob.Result result;
            try {
                result = TrainCommand.train(cluster.session(), conf);
            } finally {
                cluster.session().sparkContext().removeSparkListener(killer);
            }
            assertTrue(killed.get(), "an executor was killed while the second epoch trained");
            assertEquals(3, result.epochs());
            List<String> history = Files.readAllLines(tmp.resolve("run/history.csv"));
            assertEquals(List.of("1", "2", "3"), history.stream().skip(1).map(l -> l.split(",")[1]).toList(),
                    "every epoch logged once: " + history);

            ModelEvaluation.Result evaluation = new ModelEvaluation(cluster.session()).run(result.model().toString(),
                    tmp.resolve("val").toString(), null, tmp.resolve("eval").toString(), NmsSpec.HARD, 2, false);
            assertEquals(4, evaluation.images());
            assertTrue(evaluation.detections() > 0, "the trained model detects something");
            double ap50 = evaluation.metrics().get("AP50");
            assertTrue(ap50 >= 0 && ap50 <= 1, "AP50 " + ap50);
        }
    }
}

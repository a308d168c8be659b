package org.detsearch.data;

import org.apache.spark.SparkEnv;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoValidator;
import org.detsearch.coco.SharedTestData;
import org.detsearch.coco.ValidatedDataset;
import org.detsearch.coco.ValidationPolicy;
import org.detsearch.image.DecodedSample;
import org.detsearch.io.HadoopFiles;
import org.detsearch.testing.LocalClusterSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prepare and the shard reader on two executor JVMs, including one that dies in the middle of the job. */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PrepareOnLocalClusterTest {
    private static LocalClusterSpark cluster;

    @BeforeAll
    static void start() {
        cluster = LocalClusterSpark.start(2, 1024);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static ValidatedDataset coco128() throws Exception {
        HadoopFiles files = new HadoopFiles(new org.apache.hadoop.conf.Configuration());
        return new CocoValidator(ValidationPolicy.DEFAULT).validate(CocoJsonReader.readInstances(files,
                files.qualify(SharedTestData.coco128Instances().toString())));
    }

    private static PrepareSpec spec(Path out) {
        return new PrepareSpec("coco128", SharedTestData.coco128Images().toString(), out.toString(), 1 << 20, 0, 90, false);
    }

    @Test
    void executorsAreSeparateJvms() {
        List<Long> pids = cluster.executorPids();
        assertEquals(2, pids.size(), "two executor JVMs: " + pids);
        assertFalse(pids.contains(ProcessHandle.current().pid()), "executors run outside the test JVM");
    }

    @Test
    void shardsAreWrittenAndReadBackOnBothExecutors(@TempDir Path tmp) throws Exception {
        Manifest manifest = new PrepareJob(cluster.session()).run(spec(tmp.resolve("out")), coco128(), "");
        assertEquals(128, manifest.counts().imagesWritten());

        Map<Long, Long> perPid = new ShardReader(cluster.session()).samples(tmp.resolve("out").toString(), 4)
                .mapPartitions(samples -> {
                    long n = 0;
                    while (samples.hasNext()) {
                        DecodedSample s = samples.next();
                        n += s.rgb().length > 0 ? 1 : 0;
                    }
                    return List.of(new Tuple2<>(ProcessHandle.current().pid(), n)).iterator();
                })
                .collect().stream().collect(Collectors.groupingBy(Tuple2::_1, Collectors.summingLong(Tuple2::_2)));
        assertEquals(128, perPid.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(2, perPid.size(), "both executors decoded samples: " + perPid);
    }

    @Test
    void anExecutorKilledMidJobIsReplacedAndNoImageIsLostOrDoubled(@TempDir Path tmp) throws Exception {
        Map<String, Long> pidByExecutor = cluster.jsc().parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8)
                .map(i -> new Tuple2<>(SparkEnv.get().executorId(), ProcessHandle.current().pid()))
                .collect().stream().collect(Collectors.toMap(Tuple2::_1, Tuple2::_2, (a, b) -> a));
        AtomicBoolean killed = new AtomicBoolean();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart event) {
                Long pid = pidByExecutor.get(event.taskInfo().executorId());
                if (event.taskInfo().index() == 3 && pid != null && killed.compareAndSet(false, true)) {
                    LocalClusterSpark.kill(pid);
                }
            }
        };
        cluster.session().sparkContext().addSparkListener(killer);
        try {
            Manifest manifest = new PrepareJob(cluster.session()).run(spec(tmp.resolve("out")), coco128(), "");
            assertTrue(killed.get(), "an executor was killed during the job");
            assertEquals(128, manifest.counts().imagesWritten());
            assertEquals(0, manifest.counts().imagesSkipped());
            List<Long> ids = new ShardReader(cluster.session()).encoded(tmp.resolve("out").toString(), 2)
                    .map(image -> image.annotations().imageId()).collect();
            assertEquals(128, ids.size());
            assertEquals(128, ids.stream().distinct().count(), "no image written twice");
        } finally {
            cluster.session().sparkContext().removeSparkListener(killer);
        }
    }
}

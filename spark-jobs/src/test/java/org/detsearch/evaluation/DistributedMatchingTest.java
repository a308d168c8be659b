package org.detsearch.evaluation;

import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.SharedTestData;
import org.detsearch.config.ConfigLoader;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.spark.SparkSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Matching on Spark executors gives exactly (bit for bit) the numbers of the one-JVM path. */
class DistributedMatchingTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        Config conf = ConfigLoader.load(null, Map.of("spark-runtime.master", "local[2]",
                "spark-runtime.conf.\"spark.ui.enabled\"", "false"));
        spark = SparkSessions.create(conf, "DistributedMatchingTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"coco128_noisy", "case_03_crowd_regions", "case_10_random_mix_1", "case_08_no_detections"})
    void identicalToTheSingleJvmPath(String name) throws Exception {
        Path dir = SharedTestData.root().resolve("eval-cases").resolve(name);
        assertIdentical(name, EvalGroundTruth.of(instances(dir.resolve("gt.json"))), detections(dir.resolve("dets.json")));
    }

    @Test
    void identicalWithAnnotationIdsRepeatedAcrossImages() throws Exception {
        // pycocotools evaluates each repeated id as the last annotation with it, which may lie on another image:
        // the substitution happens before the split, so every task sees its images' boxes as the driver would.
        Path dir = SharedTestData.root().resolve("eval-cases/coco128_noisy");
        CocoInstances raw = instances(dir.resolve("gt.json"));
        List<CocoAnnotation> repeated = raw.annotations().stream()
                .map(a -> new CocoAnnotation(a.id() % 300, a.imageId(), a.categoryId(), a.bbox(), a.area(), a.crowd()))
                .toList();
        EvalGroundTruth gt = EvalGroundTruth.of(new CocoInstances(raw.images(), repeated, raw.categories()));
        assertTrue(gt.repeatedIds() > 600);
        assertIdentical("repeated ids", gt, detections(dir.resolve("dets.json")));
    }

    private static CocoInstances instances(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return CocoJsonReader.readInstances(in, file.toString());
        }
    }

    private static DetectionTable detections(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return DetectionTable.read(in, file.toString());
        }
    }

    private static void assertIdentical(String name, EvalGroundTruth gt, DetectionTable dets) {
        CocoMetrics local = new CocoEvaluator().evaluate(gt, dets, true);
        CocoMetrics distributed = DistributedMatching.evaluate(spark, gt, dets, true, 5);
        assertEquals(local.summary(), distributed.summary(), name);
        local.perClass().forEach((id, metrics) -> {
            CocoMetrics.ClassMetrics other = distributed.perClass().get(id);
            assertEquals(metrics.ap(), other.ap(), 0.0, name + " category " + id);
            assertArrayEquals(metrics.apPerIou(), other.apPerIou(), 0.0, name + " category " + id);
        });
    }
}

package org.detsearch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.SharedTestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference cases in ../shared/data/eval-cases: pycocotools' own outputs, to 1e-9, summary and per class. */
class EvalCasesTest {
    static final double TOLERANCE = 1e-9;

    static EvalGroundTruth groundTruth(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return EvalGroundTruth.of(CocoJsonReader.readInstances(in, file.getFileName().toString()));
        }
    }

    static DetectionTable detections(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return DetectionTable.read(in, file.getFileName().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"case_01_basic_noncontiguous", "case_03_crowd_regions", "case_08_no_detections",
            "case_10_random_mix_1", "coco128_perfect", "coco128_noisy"})
    void matchesPycocotools(String name) throws Exception {
        Path dir = SharedTestData.root().resolve("eval-cases").resolve(name);
        CocoMetrics metrics = new CocoEvaluator().evaluate(groundTruth(dir.resolve("gt.json")), detections(dir.resolve("dets.json")), true);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        for (String key : CocoMetrics.KEYS) {
            assertEquals(expected.get(key).asDouble(), metrics.get(key), TOLERANCE, name + " " + key);
        }
        JsonNode perClass = expected.get("per_class");
        assertEquals(perClass.size(), metrics.perClass().size(), name + ": categories");
        for (Iterator<Map.Entry<String, JsonNode>> it = perClass.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            CocoMetrics.ClassMetrics actual = metrics.perClass().get(Integer.parseInt(entry.getKey()));
            JsonNode e = entry.getValue();
            String where = name + " category " + entry.getKey() + " ";
            assertEquals(e.get("name").asText(), actual.name(), where);
            assertEquals(e.get("AP").asDouble(), actual.ap(), TOLERANCE, where + "AP");
            assertEquals(e.get("AP50").asDouble(), actual.ap50(), TOLERANCE, where + "AP50");
            assertEquals(e.get("AP75").asDouble(), actual.ap75(), TOLERANCE, where + "AP75");
            assertEquals(e.get("APs").asDouble(), actual.aps(), TOLERANCE, where + "APs");
            assertEquals(e.get("APm").asDouble(), actual.apm(), TOLERANCE, where + "APm");
            assertEquals(e.get("APl").asDouble(), actual.apl(), TOLERANCE, where + "APl");
            assertEquals(e.get("AR100").asDouble(), actual.ar100(), TOLERANCE, where + "AR100");
            for (int t = 0; t < 10; t++) {
                assertEquals(e.get("AP_per_iou").get(t).asDouble(), actual.apPerIou()[t], TOLERANCE, where + "AP at IoU index " + t);
            }
            assertEquals(e.get("num_gt").asLong(), actual.numGt(), where + "num_gt");
            assertEquals(e.get("num_gt_noncrowd").asLong(), actual.numGtNonCrowd(), where + "num_gt_noncrowd");
            assertEquals(e.get("num_dets").asLong(), actual.numDets(), where + "num_dets");
        }
        assertTrue(metrics.table().startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = "));
    }
}

package org.detsearch.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 12 COCO summary numbers (pycocotools' {@code stats}, in its order), and optionally per category.
 * -1 means "no ground truth in that range", as in pycocotools.
 */
public record CocoMetrics(Map<String, Double> summary, Map<Integer, ClassMetrics> perClass) {
    public static final List<String> KEYS = List.of("AP", "AP50", "AP75", "APs", "APm", "APl",
            "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

    /** One category's numbers: AP at IoU .50:.95, .50, .75; AP by area; AR at 100 detections; AP at each IoU. */
    public record ClassMetrics(String name, double ap, double ap50, double ap75, double aps, double apm, double apl,
                               double ar100, double[] apPerIou, long numGt, long numGtNonCrowd, long numDets) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("name", name);
            map.put("AP", ap);
            map.put("AP50", ap50);
            map.put("AP75", ap75);
            map.put("APs", aps);
            map.put("APm", apm);
            map.put("APl", apl);
            map.put("AR100", ar100);
            map.put("AP_per_iou", apPerIou);
            map.put("num_gt", numGt);
            map.put("num_gt_noncrowd", numGtNonCrowd);
            map.put("num_dets", numDets);
            return map;
        }
    }

    public double get(String key) {
        return summary.get(key);
    }

    /** The JSON form: the 12 keys, plus {@code per_class} keyed by category id when computed. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>(summary);
        if (perClass != null) {
            Map<String, Object> classes = new LinkedHashMap<>();
            perClass.forEach((id, metrics) -> classes.put(Integer.toString(id), metrics.toMap()));
            map.put("per_class", classes);
        }
        return map;
    }

    /** {@link #toMap()} as indented JSON, the metrics file every job writes. */
    public byte[] toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics are plain numbers and strings; JSON cannot fail on them", e);
        }
    }

    /**
     * The summary laid out as pycocotools' {@code summarize()} prints it. The numbers are rounded as Python's
     * {@code '{:0.3f}'} rounds: the exact binary value, ties to even (0.5625 prints 0.562, 0.2345 - really
     * 0.23449999... - prints 0.234). Java's {@code %.3f} rounds the shortest decimal form half up and would print
     * 0.563 and 0.235.
     */
    public String table() {
        StringBuilder s = new StringBuilder();
        String[][] rows = {
                {"AP", "0.50:0.95", "all", "100"}, {"AP50", "0.50", "all", "100"}, {"AP75", "0.75", "all", "100"},
                {"APs", "0.50:0.95", "small", "100"}, {"APm", "0.50:0.95", "medium", "100"}, {"APl", "0.50:0.95", "large", "100"},
                {"AR1", "0.50:0.95", "all", "1"}, {"AR10", "0.50:0.95", "all", "10"}, {"AR100", "0.50:0.95", "all", "100"},
                {"ARs", "0.50:0.95", "small", "100"}, {"ARm", "0.50:0.95", "medium", "100"}, {"ARl", "0.50:0.95", "large", "100"}};
        for (String[] row : rows) {
            boolean ap = row[0].startsWith("AP");
            s.append(String.format(java.util.Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s%n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", row[1], row[2],
                    Integer.parseInt(row[3]), threeDecimals(summary.get(row[0]))));
        }
        return s.toString();
    }

    static String threeDecimals(double value) {
        return new BigDecimal(value).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }
}

package org.detsearch.report;

import java.util.Map;

/** One trial as the report reads it from {@code results/trials.csv}; NaN where a number is absent. */
public record ReportRow(String id, String status, String architecture, int attempt, double params, double multiplyAdds,
                        double latencyMs, double ap, double ap50, double ap75, String skipReason, String error) {
    static ReportRow of(Map<String, String> csv) {
        return new ReportRow(csv.getOrDefault("trial_id", ""), csv.getOrDefault("status", ""),
                csv.getOrDefault("architecture", ""), (int) number(csv, "attempt", 0), number(csv, "trainable_params", Double.NaN),
                number(csv, "multiply_adds", Double.NaN), number(csv, "latency_ms", Double.NaN), number(csv, "AP", Double.NaN),
                number(csv, "AP50", Double.NaN), number(csv, "AP75", Double.NaN), csv.getOrDefault("skip_reason", ""),
                join(csv.getOrDefault("error_type", ""), csv.getOrDefault("error_message", "")));
    }

    private static double number(Map<String, String> csv, String key, double absent) {
        String v = csv.get(key);
        if (v == null || v.isBlank()) {
            return absent;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    private static String join(String type, String message) {
        return type.isEmpty() ? message : message.isEmpty() ? type : type + ": " + message;
    }

    public String shortId() {
        return id.length() > 10 ? id.substring(0, 10) : id;
    }

    public double cost(CostAxis axis) {
        return switch (axis) {
            case MULTIPLY_ADDS -> multiplyAdds;
            case PARAMS -> params;
            case LATENCY -> latencyMs;
        };
    }
}

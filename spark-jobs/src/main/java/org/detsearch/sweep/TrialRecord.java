package org.detsearch.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.scaling.TrialConfig;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What one trial left: the record {@code <sweep>/trials/<id>.json} holds, one per trial, written once it finished.
 * Absent parts are left out of the JSON (a failed trial may have counts but no metrics; a dry run has no training).
 *
 * @param format          {@link TrialConfig#RESULT_FORMAT_VERSION}
 * @param attempt         1 for the first run of the trial, +1 for each retry of a failed one by a later sweep run
 * @param config          the canonical trial config (what the id hashes)
 * @param labels          how the sweep reached the trial (kind, phi, rule, alpha/beta/gamma); not hashed
 * @param multiplyAdds    one forward pass of one image at the nominal input size
 * @param imageSize       nominal input size (the architecture's)
 * @param proxyImageSize  input size of the proxy training and evaluation
 * @param metrics         the 12 COCO numbers on the evaluation split (pycocotools' keys and order)
 * @param timings         seconds spent: build (and count), latency, train, evaluation, total
 * @param budget          the limits a skipped trial was judged against (0 = none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialRecord(int format, String id, TrialStatus status, int attempt, Map<String, Object> config,
                          Map<String, String> labels, String family, String architecture, Long trainableParams,
                          Long allParams, Long multiplyAdds, Integer imageSize, Integer proxyImageSize, Latency latency,
                          Map<String, Double> metrics, Training training, Evaluation evaluation, Map<String, Double> timings,
                          String host, String executor, String startedAt, String finishedAt, Budget budget,
                          String skipReason, Failure error) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Latency of one image (batch 1) through the network: the median of {@code runs} timed runs after {@code warmup}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Latency(double medianMs, double minMs, double maxMs, int runs, int warmup, int batch, String device) {
    }

    /**
     * The proxy training, summarised: loss at the first and last iteration, its minimum, the mean of the last tenth
     * of iterations (less noisy than the last one), and up to {@value TrialRunner#CURVE_POINTS} (iteration, loss)
     * points of the curve.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Training(int iterations, int epochs, int images, double firstLoss, double finalLoss, double minLoss,
                           double lastTenthMeanLoss, double finalClassLoss, double finalBoxLoss, double imagesPerSecond,
                           List<double[]> curve, Integer resumedFromIteration) {
    }

    /** The evaluation split as used: images evaluated, detections kept. */
    public record Evaluation(int images, int detections) {
    }

    /** The limits a trial was judged against; 0 means no limit. */
    public record Budget(long maxParams, long maxMultiplyAdds) implements java.io.Serializable {
        public boolean allows(long params, long multiplyAdds) {
            return (maxParams <= 0 || params <= maxParams) && (maxMultiplyAdds <= 0 || multiplyAdds <= maxMultiplyAdds);
        }
    }

    /** Why a trial failed: the exception's class and message, where it was thrown, and its causes. */
    public record Failure(String type, String message, String stackTrace) {
        /** The first lines of a stack trace (with causes) are where the trial broke; the rest is Spark's and DL4J's. */
        private static final int MAX_TRACE_CHARS = 6000;

        public static Failure of(Throwable t) {
            java.io.StringWriter trace = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(trace));
            String text = trace.toString();
            return new Failure(t.getClass().getName(), t.getMessage() == null ? t.toString() : t.getMessage(),
                    text.length() > MAX_TRACE_CHARS ? text.substring(0, MAX_TRACE_CHARS) + "\n..." : text);
        }
    }

    public TrialConfig trialConfig() {
        try {
            return TrialConfig.parse(JSON.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record's config is plain JSON", e);
        }
    }

    /** A record of the same trial, {@code status} and attempt with the labels given (the plan's, for results). */
    public TrialRecord withLabels(Map<String, String> newLabels) {
        return new TrialRecord(format, id, status, attempt, config, newLabels, family, architecture, trainableParams,
                allParams, multiplyAdds, imageSize, proxyImageSize, latency, metrics, training, evaluation, timings, host,
                executor, startedAt, finishedAt, budget, skipReason, error);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a trial record is plain data", e);
        }
    }

    /** One line of JSON (no line breaks inside), for compacted record files. */
    public String toJsonLine() {
        return new String(toJson(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static TrialRecord fromJson(byte[] json, String source) throws IOException {
        TrialRecord record;
        try {
            record = JSON.readValue(json, TrialRecord.class);
        } catch (IOException e) {
            throw new IOException(source + " is not a trial record: " + e.getMessage(), e);
        }
        if (record.id() == null || record.status() == null) {
            throw new IOException(source + " is not a trial record: no id or status");
        }
        return record;
    }
}

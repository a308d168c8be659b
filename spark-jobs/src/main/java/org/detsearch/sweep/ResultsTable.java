package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.Trial;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The sweep's results, one row per planned trial (status PENDING for a trial without a record), rebuilt from the
 * trial records on every run: {@code <sweep>/results/trials.parquet} (a Parquet folder, for Spark SQL and pandas)
 * and {@code <sweep>/results/trials.csv} (one file with a header). Columns: the trial and its status, every
 * architecture axis ({@code arch_*}), seed and data subset, the plan's labels ({@code kind}, {@code phi},
 * {@code rule}, {@code alpha}, ...), counts, latency, the 12 COCO numbers, the training summary, timings, where it
 * ran, and why it was skipped or failed. Typed columns: integers, numbers, text, or true/false.
 */
public final class ResultsTable {
    public static final String DIR = "results";
    public static final String PARQUET = "trials.parquet";
    public static final String CSV = "trials.csv";
    public static final String PENDING = "PENDING";

    /** A column: its name and type (long, double, string, boolean). */
    public record Column(String name, DataType type) {
    }

    private final List<Column> columns;
    private final List<Object[]> rows;

    public ResultsTable(List<Column> columns, List<Object[]> rows) {
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Object[]> rows() {
        return rows;
    }

    /** The value of {@code column} in {@code row} (null when empty or the column does not exist). */
    public Object get(Object[] row, String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return row[i];
            }
        }
        return null;
    }

    /** One row per planned trial, from its record (labels from the plan: how this sweep reached the trial). */
    public static ResultsTable of(List<Trial> plan, Map<String, TrialRecord> records) {
        List<Map<String, Object>> maps = new ArrayList<>();
        TreeSet<String> axes = new TreeSet<>();
        TreeSet<String> labels = new TreeSet<>();
        for (Trial trial : plan) {
            axes.addAll(trial.config().architecture().keySet());
            labels.addAll(trial.labels().keySet());
        }
        for (Trial trial : plan) {
            maps.add(row(trial, records.get(trial.id())));
        }
        List<String> names = new ArrayList<>(List.of("trial_id", "status", "attempt", "family", "architecture"));
        axes.forEach(a -> names.add("arch_" + a.replace('-', '_')));
        names.addAll(List.of("seed", "data_subset"));
        labels.forEach(l -> names.add(l.replace('-', '_')));
        names.addAll(List.of("trainable_params", "all_params", "multiply_adds", "image_size", "proxy_image_size",
                "latency_ms", "latency_min_ms", "latency_max_ms", "latency_device"));
        CocoMetrics.KEYS.forEach(names::add);
        names.addAll(List.of("train_iterations", "train_images", "first_loss", "final_loss", "min_loss",
                "last_tenth_mean_loss", "eval_images", "detections", "build_seconds", "latency_seconds", "train_seconds",
                "evaluation_seconds", "total_seconds", "host", "executor", "started_at", "finished_at", "skip_reason",
                "error_type", "error_message"));
        List<Column> columns = new ArrayList<>();
        for (String name : names) {
            columns.add(new Column(name, typeOf(maps, name)));
        }
        List<Object[]> rows = new ArrayList<>(maps.size());
        for (Map<String, Object> map : maps) {
            Object[] row = new Object[columns.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = cast(map.get(columns.get(i).name()), columns.get(i).type());
            }
            rows.add(row);
        }
        return new ResultsTable(columns, rows);
    }

    private static Map<String, Object> row(Trial trial, TrialRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trial_id", trial.id());
        m.put("family", trial.config().family());
        trial.config().architecture().forEach((k, v) -> m.put("arch_" + k.replace('-', '_'), v));
        m.put("seed", trial.config().seed());
        m.put("data_subset", trial.config().dataSubset());
        trial.labels().forEach((k, v) -> m.put(k.replace('-', '_'), parsed(v)));
        if (r == null) {
            m.put("status", PENDING);
            return m;
        }
        m.put("status", r.status().name());
        m.put("attempt", r.attempt());
        m.put("architecture", r.architecture());
        m.put("trainable_params", r.trainableParams());
        m.put("all_params", r.allParams());
        m.put("multiply_adds", r.multiplyAdds());
        m.put("image_size", r.imageSize());
        m.put("proxy_image_size", r.proxyImageSize());
        if (r.latency() != null) {
            m.put("latency_ms", r.latency().medianMs());
            m.put("latency_min_ms", r.latency().minMs());
            m.put("latency_max_ms", r.latency().maxMs());
            m.put("latency_device", r.latency().device());
        }
        if (r.metrics() != null) {
            m.putAll(r.metrics());
        }
        if (r.training() != null) {
            m.put("train_iterations", r.training().iterations());
            m.put("train_images", r.training().images());
            m.put("first_loss", r.training().firstLoss());
            m.put("final_loss", r.training().finalLoss());
            m.put("min_loss", r.training().minLoss());
            m.put("last_tenth_mean_loss", r.training().lastTenthMeanLoss());
        }
        if (r.evaluation() != null) {
            m.put("eval_images", r.evaluation().images());
            m.put("detections", r.evaluation().detections());
        }
        if (r.timings() != null) {
            m.put("build_seconds", r.timings().get("buildSeconds"));
            m.put("latency_seconds", r.timings().get("latencySeconds"));
            m.put("train_seconds", r.timings().get("trainSeconds"));
            m.put("evaluation_seconds", r.timings().get("evaluationSeconds"));
            m.put("total_seconds", r.timings().get("totalSeconds"));
        }
        m.put("host", r.host());
        m.put("executor", r.executor());
        m.put("started_at", r.startedAt());
        m.put("finished_at", r.finishedAt());
        m.put("skip_reason", r.skipReason());
        if (r.error() != null) {
            m.put("error_type", r.error().type());
            m.put("error_message", r.error().message());
        }
        return m;
    }

    /** Labels are text in the plan; numbers among them (phi, alpha, ...) become numbers in the table. */
    private static Object parsed(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e2) {
                return value;
            }
        }
    }

    private static DataType typeOf(List<Map<String, Object>> rows, String column) {
        boolean anyValue = false;
        boolean allIntegral = true;
        boolean allNumbers = true;
        boolean allBooleans = true;
        for (Map<String, Object> row : rows) {
            Object v = row.get(column);
            if (v == null) {
                continue;
            }
            anyValue = true;
            allIntegral &= v instanceof Long || v instanceof Integer;
            allNumbers &= v instanceof Number;
            allBooleans &= v instanceof Boolean;
        }
        if (!anyValue) {
            return knownType(column);
        }
        if (allBooleans) {
            return DataTypes.BooleanType;
        }
        return allIntegral ? DataTypes.LongType : allNumbers ? DataTypes.DoubleType : DataTypes.StringType;
    }

    /** A column no row fills (e.g. latency in a dry run) keeps the type it has when filled. */
    private static DataType knownType(String column) {
        if (CocoMetrics.KEYS.contains(column) || column.endsWith("_ms") || column.endsWith("_seconds") || column.endsWith("_loss")) {
            return DataTypes.DoubleType;
        }
        if (List.of("attempt", "trainable_params", "all_params", "multiply_adds", "image_size", "proxy_image_size",
                "train_iterations", "train_images", "eval_images", "detections").contains(column)) {
            return DataTypes.LongType;
        }
        return DataTypes.StringType;
    }

    private static Object cast(Object v, DataType type) {
        if (v == null) {
            return null;
        }
        if (type == DataTypes.LongType) {
            return ((Number) v).longValue();
        }
        if (type == DataTypes.DoubleType) {
            return ((Number) v).doubleValue();
        }
        if (type == DataTypes.BooleanType) {
            return v;
        }
        return v.toString();
    }

    /** Writes trials.parquet (through Spark) and trials.csv into {@code <sweep>/results}, replacing what is there. */
    public Path write(SparkSession spark, HadoopFiles files, Path sweepDir) throws IOException {
        Path dir = new Path(sweepDir, DIR);
        StructField[] fields = columns.stream().map(c -> DataTypes.createStructField(c.name(), c.type(), true)).toArray(StructField[]::new);
        List<Row> sparkRows = new ArrayList<>(rows.size());
        rows.forEach(r -> sparkRows.add(RowFactory.create(r)));
        spark.createDataFrame(sparkRows, new StructType(fields)).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(new Path(dir, PARQUET).toString());
        writeCsv(files, sweepDir);
        return dir;
    }

    /** Writes trials.csv into {@code <sweep>/results} atomically (no Spark needed). */
    public Path writeCsv(HadoopFiles files, Path sweepDir) throws IOException {
        Path csv = new Path(new Path(sweepDir, DIR), CSV);
        files.writeAtomically(csv, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(csvLine(columns, Column::name));
            for (Object[] row : rows) {
                w.write(csvLine(java.util.Arrays.asList(row), v -> v == null ? "" : v.toString()));
            }
            w.flush();
        });
        return csv;
    }

    private static <T> String csvLine(List<T> values, Function<T, String> text) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            String v = text.apply(values.get(i));
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                s.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                s.append(v);
            }
        }
        return s.append('\n').toString();
    }

    /** Reads a trials.csv back (RFC 4180): one map of column -> text per row, empty text for an empty value. */
    public static List<Map<String, String>> readCsv(HadoopFiles files, Path csv) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(files.open(csv), StandardCharsets.UTF_8))) {
            List<List<String>> records = parseCsv(in);
            if (records.isEmpty()) {
                throw new IOException(csv + " is empty: no header");
            }
            List<String> header = records.get(0);
            for (List<String> record : records.subList(1, records.size())) {
                if (record.size() != header.size()) {
                    throw new IOException(csv + ": a row of " + record.size() + " fields under a header of " + header.size());
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i), record.get(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    static List<List<String>> parseCsv(BufferedReader in) throws IOException {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int c;
        while ((c = in.read()) != -1) {
            any = true;
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    in.mark(1);
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        if (next != -1) {
                            in.reset();
                        }
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                records.add(fields);
                fields = new ArrayList<>();
                any = false;
            } else if (ch != '\r') {
                field.append(ch);
            }
        }
        if (any) {
            fields.add(field.toString());
            records.add(fields);
        }
        return records;
    }
}

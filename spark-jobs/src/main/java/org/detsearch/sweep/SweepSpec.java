package org.detsearch.sweep;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.apache.hadoop.fs.Path;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.CoefficientGrid;
import org.detsearch.scaling.CompoundRule;
import org.detsearch.scaling.ModelFamilies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code sweep} config section, validated: where the sweep lives, what it visits (family, kind, axes, seeds,
 * data subsets), the limits that skip trials, the hashed trial settings and how trials execute.
 * {@code spark-jobs/src/main/resources/reference.conf} documents every key.
 *
 * @param settings the hashed part of every trial config: {@code sweep.trial} with its data paths qualified, plus
 *                 {@code dry-run} and {@code training} (how trials train, which decides their results too)
 */
public record SweepSpec(Path output, Path trialStore, Path workDir, boolean keepWork, String family, Kind kind,
                        boolean dryRun, long maxTrials, List<Long> seeds, List<Double> dataSubsets,
                        SortedMap<String, Object> base, LinkedHashMap<String, List<Object>> gridAxes, List<Integer> phis,
                        CompoundRule rule, CoefficientGrid coefficients, TrialRecord.Budget budget,
                        SortedMap<String, Object> settings, ExecutionMode mode, int threadsPerTask, int retries,
                        int checkpointEvery, Duration leaseTtl, Duration progressEvery) {
    public static final String SECTION = "sweep";

    public enum Kind { GRID, COMPOUND, COEFFICIENTS }

    /** trials: one Spark task per trial; data-parallel: trials in turn from the driver, each on all workers. */
    public enum ExecutionMode { TRIALS, DATA_PARALLEL }

    /**
     * Reads {@code sweep} for one of {@code families}; {@code defaultWorkers} stands for {@code execution.data-parallel.workers = 0} (the
     * cluster's parallelism), resolved here since the number of workers decides a data-parallel trial's result.
     */
    public static SweepSpec from(ConfigView c, HadoopFiles files, ModelFamilies families, int defaultWorkers) {
        Path output = files.qualify(c.nonBlank("output"));
        String store = c.optionalString("trial-store");
        String work = c.optionalString("work-dir");
        String family = families.get(c.nonBlank("family"), c.fullPath("family")).name();
        ConfigView models = c.sub("model");
        if (!models.has(family)) {
            throw new ConfigValidationException(models.fullPath(family), null,
                    "expected the base architecture of family " + family + " (the values of the axes not swept)");
        }
        SortedMap<String, Object> base = scalars(models.sub(family));
        ConfigView execution = c.sub("execution");
        ExecutionMode mode = execution.enumValue("mode", ExecutionMode.class);
        boolean dryRun = c.bool("dry-run");
        SortedMap<String, Object> settings = settings(c, files, dryRun, mode, execution.sub("data-parallel"), defaultWorkers);
        TrialSettings.of(settings); // every trial shares these: a bad value stops the sweep here, by key
        ConfigView compound = c.sub("compound");
        ConfigView coefficients = c.sub("coefficients");
        ConfigView budget = c.sub("budget");
        return new SweepSpec(output, store != null ? files.qualify(store) : new Path(output, "trials"),
                work != null ? files.qualify(work) : new Path(output, "work"), c.bool("keep-work"), family,
                c.enumValue("kind", Kind.class), dryRun, c.longIn("max-trials", 1, 10_000_000), longs(c, "seeds"),
                fractions(c, "data-subsets"), base, axes(c.sub("grid")), phis(compound), compound.enumValue("rule", CompoundRule.class),
                ConfigView.validated(coefficients.section(), () -> new CoefficientGrid(coefficients.doubleIn("step", 1e-6, 10),
                        coefficients.doubleIn("max", 1, 100), coefficients.doubleIn("target", 1.000001, 1e6),
                        coefficients.doubleIn("tolerance", 0, 1e6))),
                new TrialRecord.Budget(budget.longIn("max-params", 0, Long.MAX_VALUE), budget.longIn("max-multiply-adds", 0, Long.MAX_VALUE)),
                settings, mode, execution.intIn("threads-per-task", 0, 4096), execution.intIn("retries", 0, 1000),
                execution.intIn("checkpoint-every", 1, Integer.MAX_VALUE), duration(c, "lease.ttl", Duration.ofSeconds(5)),
                duration(c, "progress-every", Duration.ofMillis(100)));
    }

    /** The trial settings: {@code sweep.trial}, data paths qualified, with the dry-run flag and the training mode. */
    private static SortedMap<String, Object> settings(ConfigView c, HadoopFiles files, boolean dryRun, ExecutionMode mode,
                                                      ConfigView dataParallel, int defaultWorkers) {
        ConfigView trial = c.sub("trial");
        @SuppressWarnings("unchecked")
        SortedMap<String, Object> settings = new TreeMap<>((Map<String, Object>) coerced(trial.raw().root().unwrapped()));
        ConfigView data = trial.sub("data");
        @SuppressWarnings("unchecked")
        Map<String, Object> dataSection = new TreeMap<>((Map<String, Object>) coerced(data.raw().root().unwrapped()));
        dataSection.put("train", files.qualify(data.nonBlank("train")).toString());
        dataSection.put("evaluation", files.qualify(data.nonBlank("evaluation")).toString());
        settings.put("data", dataSection);
        settings.put("dry-run", dryRun);
        Map<String, Object> training = new TreeMap<>();
        if (mode == ExecutionMode.DATA_PARALLEL) {
            int workers = dataParallel.intIn("workers", 0, 100_000);
            training.put("mode", "data-parallel");
            training.put("workers", workers > 0 ? workers : defaultWorkers);
            training.put("averaging-frequency", dataParallel.intIn("averaging-frequency", 1, 1_000_000));
            training.put("prefetch", dataParallel.intIn("prefetch", 0, 1000));
        } else {
            // one JVM: the data-parallel knobs do not apply and must not split trials that train alike
            training.put("mode", "single");
            training.put("workers", 1);
            training.put("averaging-frequency", 1);
            training.put("prefetch", 0);
        }
        settings.put("training", training);
        return settings;
    }

    /** A family's base: every entry a string, number or boolean. */
    private static SortedMap<String, Object> scalars(ConfigView section) {
        SortedMap<String, Object> values = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : section.raw().root().entrySet()) {
            values.put(entry.getKey(), scalar(section.fullPath(entry.getKey()), entry.getValue()));
        }
        return values;
    }

    private static Object scalar(String path, ConfigValue value) {
        ConfigValueType type = value.valueType();
        if (type != ConfigValueType.STRING && type != ConfigValueType.NUMBER && type != ConfigValueType.BOOLEAN) {
            throw new ConfigValidationException(path, value.unwrapped(), "expected a string, number or boolean");
        }
        return coerced(value.unwrapped());
    }

    /**
     * Values as HOCON means them: {@code -Dkey=value} overrides arrive as strings, so "0.125" and "true" become the
     * number and the boolean a job file would give (as Typesafe Config's typed getters read them); otherwise one
     * trial written two ways would get two ids.
     */
    static Object coerced(Object value) {
        if (value instanceof String text) {
            String t = text.trim();
            if (t.equals("true") || t.equals("false")) {
                return Boolean.parseBoolean(t);
            }
            if (t.matches("-?(0|[1-9][0-9]*)")) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException e) {
                    return text;
                }
            }
            if (t.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                return Double.parseDouble(t);
            }
            return text;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put((String) k, coerced(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(SweepSpec::coerced).toList();
        }
        return value;
    }

    /** {@code grid.axes}: axis -> a list of values (or one value), axes in name order (HOCON objects are unordered). */
    private static LinkedHashMap<String, List<Object>> axes(ConfigView grid) {
        LinkedHashMap<String, List<Object>> axes = new LinkedHashMap<>();
        ConfigObject object = grid.raw().getObject("axes");
        for (String name : new TreeSet<>(object.keySet())) {
            String path = grid.fullPath("axes." + name);
            ConfigValue value = object.get(name);
            List<Object> values = new ArrayList<>();
            if (value instanceof ConfigList list) {
                for (ConfigValue v : list) {
                    values.add(scalar(path, v));
                }
            } else {
                values.add(scalar(path, value));
            }
            if (values.isEmpty()) {
                throw new ConfigValidationException(path, "[]", "an axis needs at least one value");
            }
            axes.put(name, values);
        }
        return axes;
    }

    /** {@code compound.phi}: a list of integers, or a range {@code { from = 0, to = 7 }} (both ends included). */
    private static List<Integer> phis(ConfigView compound) {
        ConfigValue value = compound.raw().getValue("phi");
        String path = compound.fullPath("phi");
        List<Integer> phis = new ArrayList<>();
        if (value.valueType() == ConfigValueType.OBJECT) {
            ConfigView range = compound.sub("phi");
            int from = range.intIn("from", 0, 100);
            int to = range.intIn("to", from, 100);
            for (int phi = from; phi <= to; phi++) {
                phis.add(phi);
            }
        } else if (value instanceof ConfigList list) {
            for (ConfigValue v : list) {
                if (!(v.unwrapped() instanceof Integer phi) || phi < 0) {
                    throw new ConfigValidationException(path, v.unwrapped(), "expected integers >= 0");
                }
                phis.add(phi);
            }
        } else {
            throw new ConfigValidationException(path, value.unwrapped(), "expected a list of integers or { from = A, to = B }");
        }
        if (phis.isEmpty()) {
            throw new ConfigValidationException(path, "[]", "expected at least one phi");
        }
        return phis;
    }

    private static List<Long> longs(ConfigView c, String key) {
        List<Long> values = new ArrayList<>();
        for (Object v : list(c, key)) {
            if (!(v instanceof Integer || v instanceof Long)) {
                throw new ConfigValidationException(c.fullPath(key), v, "expected a list of integers");
            }
            values.add(((Number) v).longValue());
        }
        return values;
    }

    private static List<Double> fractions(ConfigView c, String key) {
        List<Double> values = new ArrayList<>();
        for (Object v : list(c, key)) {
            if (!(v instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() <= 1)) {
                throw new ConfigValidationException(c.fullPath(key), v, "expected fractions in (0, 1] of the training images");
            }
            values.add(n.doubleValue());
        }
        return values;
    }

    private static List<Object> list(ConfigView c, String key) {
        try {
            List<Object> values = new ArrayList<>(c.raw().getList(key).unwrapped());
            if (values.isEmpty()) {
                throw new ConfigValidationException(c.fullPath(key), "[]", "expected at least one value");
            }
            return values;
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigValidationException(c.fullPath(key), null, "expected a list");
        }
    }

    private static Duration duration(ConfigView c, String key, Duration min) {
        Duration d;
        try {
            d = c.raw().getDuration(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigValidationException(c.fullPath(key), null, "expected a duration such as 10s or 5m");
        }
        if (d.compareTo(min) < 0) {
            throw new ConfigValidationException(c.fullPath(key), d, "allowed: at least " + min);
        }
        return d;
    }
}

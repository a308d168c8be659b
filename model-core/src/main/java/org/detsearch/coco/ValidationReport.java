package org.detsearch.coco;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What validation dropped or changed: a full count per {@link ValidationProblem} and the first few examples of
 * each, with the id of the item concerned. Immutable. Problems found later (missing or undecodable images at
 * prepare time, possibly on Spark executors, hence {@link Serializable}) go into reports of their own that are
 * {@linkplain #plus merged} into this one, so that one report, and one manifest entry, holds everything.
 */
public final class ValidationReport implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int examplesPerKind;
    private final EnumMap<ValidationProblem, Long> counts;
    private final EnumMap<ValidationProblem, List<Example>> examples;

    private ValidationReport(int examplesPerKind, EnumMap<ValidationProblem, Long> counts,
                             EnumMap<ValidationProblem, List<Example>> examples) {
        this.examplesPerKind = examplesPerKind;
        this.counts = counts;
        this.examples = examples;
    }

    /** One affected item: its id (an image, annotation or category id, per the problem's subject) and what was wrong. */
    public record Example(long id, String detail) implements Serializable {
    }

    public static Builder builder(int examplesPerKind) {
        return new Builder(examplesPerKind);
    }

    /** How many items had this problem (all of them, not only the examples). */
    /** How many examples of each kind this report keeps (the counts are always complete). */
    public int examplesPerKind() {
        return examplesPerKind;
    }

    public long count(ValidationProblem kind) {
        return counts.getOrDefault(kind, 0L);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean isClean() {
        return counts.isEmpty();
    }

    /** The first examples of a problem, in the order found; empty when it did not occur. */
    public List<Example> examples(ValidationProblem kind) {
        return examples.getOrDefault(kind, List.of());
    }

    /** This report and another (e.g. prepare-time image problems): counts add up, examples fill up to this report's limit. */
    public ValidationReport plus(ValidationReport other) {
        Builder merged = new Builder(examplesPerKind);
        for (ValidationReport report : List.of(this, other)) {
            report.counts.forEach((kind, count) -> merged.addAll(kind, count, report.examples(kind)));
        }
        return merged.build();
    }

    /** A few lines for a log or a console: one per problem kind, with its examples; "no problems" when clean. */
    public String summary() {
        if (isClean()) {
            return "validation: no problems";
        }
        StringBuilder text = new StringBuilder("validation: ").append(total()).append(total() == 1 ? " problem" : " problems");
        counts.forEach((kind, count) -> {
            text.append("\n  ").append(kind.key()).append(": ").append(count).append(' ')
                    .append(kind.subject().noun(count)).append(' ').append(kind.effect());
            List<Example> shown = examples(kind);
            for (Example example : shown) {
                text.append("\n    ").append(kind.subject().noun(1)).append(' ').append(example.id())
                        .append(": ").append(example.detail());
            }
            if (count > shown.size()) {
                text.append("\n    ... and ").append(count - shown.size()).append(" more");
            }
        });
        return text.toString();
    }

    /**
     * The report as plain maps and lists for a JSON manifest: {@code {"total": n, "problems": {"<key>": {"count",
     * "subject", "effect", "examples": [{"id", "detail"}]}}}}, problem kinds in a fixed order, absent kinds left out.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> problems = new LinkedHashMap<>();
        counts.forEach((kind, count) -> {
            List<Map<String, Object>> shown = new ArrayList<>();
            for (Example example : examples(kind)) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", example.id());
                entry.put("detail", example.detail());
                shown.add(entry);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("count", count);
            entry.put("subject", kind.subject().noun(1));
            entry.put("effect", kind.effect());
            entry.put("examples", shown);
            problems.put(kind.key(), entry);
        });
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("total", total());
        map.put("problems", problems);
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return summary();
    }

    /** Collects problems as validation finds them. */
    public static final class Builder {
        private final int examplesPerKind;
        private final EnumMap<ValidationProblem, Long> counts = new EnumMap<>(ValidationProblem.class);
        private final EnumMap<ValidationProblem, List<Example>> examples = new EnumMap<>(ValidationProblem.class);

        private Builder(int examplesPerKind) {
            if (examplesPerKind < 0) {
                throw new IllegalArgumentException("examplesPerKind must be >= 0, got " + examplesPerKind);
            }
            this.examplesPerKind = examplesPerKind;
        }

        /** Counts one item with a problem; it becomes an example while there are fewer than the limit. */
        public Builder add(ValidationProblem kind, long id, String detail) {
            return addAll(kind, 1, List.of(new Example(id, detail)));
        }

        private Builder addAll(ValidationProblem kind, long count, List<Example> found) {
            counts.merge(kind, count, Long::sum);
            List<Example> kept = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            for (Example example : found) {
                if (kept.size() < examplesPerKind) {
                    kept.add(example);
                }
            }
            return this;
        }

        public ValidationReport build() {
            EnumMap<ValidationProblem, List<Example>> frozen = new EnumMap<>(ValidationProblem.class);
            examples.forEach((kind, list) -> frozen.put(kind, List.copyOf(list)));
            return new ValidationReport(examplesPerKind, new EnumMap<>(counts), frozen);
        }
    }
}

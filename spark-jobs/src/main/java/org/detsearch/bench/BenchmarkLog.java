package org.detsearch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where every {@code detsearch bench} command leaves its result: a JSON file with every number (and the date, commit
 * and machine), and one row appended to the benchmark table ({@code BENCHMARKS.md} at the repository root), so the
 * history of a machine's measurements stays in one readable place.
 */
public final class BenchmarkLog {
    static final String TABLE_HEADER = "| date | commit | machine | benchmark | parameters | headline | goal | met |";
    static final String TABLE_RULE = "|---|---|---|---|---|---|---|---|";
    private static final String PREAMBLE = """
            # Benchmarks

            One row per run of a `detsearch bench ...` command (README, "Benchmarks"), appended by the command; its JSON
            result (`--json`, default under `target/bench/`) holds every number. Columns: **date** (UTC), **commit**
            (`git rev-parse --short HEAD`, or unknown), **machine** (cores, CPU model, max JVM heap, ND4J backend and
            its OpenMP threads), **benchmark**, **parameters**, **headline** number(s), the **goal** from issue 8 and
            whether it is **met** (n/a: the benchmark has no goal, or it needs another benchmark's result first).

            """;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One benchmark run.
     *
     * @param benchmark  its name, as the subcommand's ({@code gemm}, {@code train}, ...)
     * @param parameters what was measured (sizes, model, steps), in the order to print them
     * @param results    every number measured, as JSON values (maps and lists allowed)
     * @param headline   the number(s) a reader wants first, one short line
     * @param goal       the goal for it, or "" for none
     * @param goalMet    whether the goal is met; null when there is none or it cannot be judged from this run alone
     */
    public record Result(String benchmark, Map<String, Object> parameters, Map<String, Object> results, String headline,
                         String goal, Boolean goalMet) {
        public Result {
            if (benchmark == null || benchmark.isBlank() || headline == null || goal == null) {
                throw new IllegalArgumentException("a benchmark result needs a name, a headline and a goal (\"\" for none)");
            }
            parameters = new LinkedHashMap<>(parameters);
            results = new LinkedHashMap<>(results);
        }
    }

    /** The machine a result was measured on. */
    public record Machine(int cores, String cpu, long maxHeapBytes, String nd4jBackend, int nd4jThreads) {
        public static Machine current() {
            String backend;
            int threads;
            try {
                backend = org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
                threads = org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads();
            } catch (RuntimeException | LinkageError e) {
                backend = "unavailable";
                threads = 0;
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.getRuntime().maxMemory(),
                    backend, threads);
        }

        String summary() {
            return String.format(Locale.ROOT, "%d cores, %s, heap %d MB, %s (%d threads)", cores, cpu, maxHeapBytes >> 20,
                    nd4jBackend, nd4jThreads);
        }

        private static String cpuModel() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
            } catch (IOException | RuntimeException e) {
                return "unknown CPU";
            }
        }
    }

    private final Path table;
    private final Machine machine;
    private final String commit;
    private final Instant now;

    /** @param table the benchmark table to append to (created with its header when missing) */
    public BenchmarkLog(Path table) {
        this(table, Machine.current(), gitCommit(), Instant.now());
    }

    BenchmarkLog(Path table, Machine machine, String commit, Instant now) {
        this.table = table;
        this.machine = machine;
        this.commit = commit;
        this.now = now;
    }

    /** Writes {@code result} as JSON to {@code json} (folders created) and appends its row to the table. */
    public void record(Result result, Path json) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("benchmark", result.benchmark());
        document.put("date", now.toString());
        document.put("commit", commit);
        document.put("machine", machine);
        document.put("parameters", result.parameters());
        document.put("results", result.results());
        document.put("headline", result.headline());
        document.put("goal", result.goal());
        document.put("goalMet", result.goalMet());
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(json.toFile(), document);
        appendRow(row(result));
    }

    String row(Result result) {
        String parameters = result.parameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
        String met = result.goalMet() == null ? "n/a" : result.goalMet() ? "yes" : "no";
        return "| " + List.of(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(now.atOffset(ZoneOffset.UTC).withNano(0)), commit,
                        machine.summary(), result.benchmark(), parameters, result.headline(), result.goal(), met).stream()
                .map(BenchmarkLog::cell).collect(Collectors.joining(" | ")) + " |";
    }

    /**
     * Appends under the table's header; a missing or empty file gets the header first. A file without the header (not
     * a table this class wrote, or damaged) is kept beside it as {@code BENCHMARKS.md.unrecognised-<time>} and the
     * table starts afresh, so no earlier line is lost and the new row is still in a well-formed table.
     */
    private void appendRow(String row) throws IOException {
        Path parent = table.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String existing = Files.isRegularFile(table) ? Files.readString(table, StandardCharsets.UTF_8) : "";
        if (hasHeader(existing)) {
            String separator = existing.endsWith("\n") ? "" : "\n";
            Files.writeString(table, separator + row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return;
        }
        String note = "";
        if (!existing.isBlank()) {
            Path kept = table.resolveSibling(table.getFileName() + ".unrecognised-" + now.toEpochMilli());
            Files.move(table, kept);
            note = "(The earlier content of this file had no benchmark table header; it is kept in " + kept.getFileName() + ".)\n\n";
        }
        Files.writeString(table, PREAMBLE + note + TABLE_HEADER + "\n" + TABLE_RULE + "\n" + row + "\n", StandardCharsets.UTF_8);
    }

    private static boolean hasHeader(String text) {
        List<String> lines = text.lines().toList();
        int header = lines.indexOf(TABLE_HEADER);
        return header >= 0 && header + 1 < lines.size() && lines.get(header + 1).equals(TABLE_RULE);
    }

    private static String cell(String text) {
        return text.replace("\n", " ").replace("|", "\\|");
    }

    /** The checked-out commit ({@code git rev-parse --short HEAD} in the working directory), or "unknown". */
    static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!git.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return "unknown";
            }
            return git.exitValue() == 0 && out.matches("[0-9a-f]{4,40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Reads a result JSON this class wrote (another benchmark's numbers, e.g. the GEMM peak), or empty when absent. */
    public static java.util.Optional<com.fasterxml.jackson.databind.JsonNode> read(Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(JSON.readTree(json.toFile()));
        } catch (IOException e) {
            throw new IOException(json + " is not a benchmark result: " + e.getMessage(), e);
        }
    }
}

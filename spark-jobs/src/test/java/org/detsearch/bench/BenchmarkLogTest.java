package org.detsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkLogTest {
    private static final BenchmarkLog.Machine MACHINE = new BenchmarkLog.Machine(2, "Test CPU @ 2.0GHz", 4L << 30, "CpuBackend", 2);
    private static final Instant NOW = Instant.parse("2026-12-01T10:15:30.123Z");

    private static BenchmarkLog log(Path table) {
        return new BenchmarkLog(table, MACHINE, "abc1234", NOW);
    }

    private static BenchmarkLog.Result gemm(double peak) {
        return new BenchmarkLog.Result("gemm", Map.of("sizes", List.of(1024, 2048)), Map.of("peakGflops", peak),
                "peak " + peak + " GFLOP/s", "the reference peak", null);
    }

    private static List<String> rows(Path table) throws Exception {
        return Files.readAllLines(table).stream().filter(l -> l.startsWith("| 2026")).toList();
    }

    @Test
    void writesTheJsonAndAppendsRowsUnderOneHeader(@TempDir Path tmp) throws Exception {
        Path table = tmp.resolve("BENCHMARKS.md");
        Path json = tmp.resolve("out/nested/bench-gemm.json");
        log(table).record(gemm(51.5), json);
        log(table).record(new BenchmarkLog.Result("train", Map.of("model", "resnet50"), Map.of("imagesPerSecond", 0.8),
                "0.8 images/s", "ResNet-50 step >= 30% of peak", false), tmp.resolve("train.json"));

        String text = Files.readString(table);
        assertEquals(1, text.lines().filter(BenchmarkLog.TABLE_HEADER::equals).count(), text);
        assertEquals(List.of(
                "| 2026-12-01T10:15:30 | abc1234 | 2 cores, Test CPU @ 2.0GHz, heap 4096 MB, CpuBackend (2 threads) | gemm | "
                        + "sizes=[1024, 2048] | peak 51.5 GFLOP/s | the reference peak | n/a |",
                "| 2026-12-01T10:15:30 | abc1234 | 2 cores, Test CPU @ 2.0GHz, heap 4096 MB, CpuBackend (2 threads) | train | "
                        + "model=resnet50 | 0.8 images/s | ResNet-50 step >= 30% of peak | no |"), rows(table));

        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertEquals("gemm", result.get("benchmark").asText());
        assertEquals("2026-12-01T10:15:30.123Z", result.get("date").asText());
        assertEquals("abc1234", result.get("commit").asText());
        assertEquals(2, result.at("/machine/cores").asInt());
        assertEquals("Test CPU @ 2.0GHz", result.at("/machine/cpu").asText());
        assertEquals(4L << 30, result.at("/machine/maxHeapBytes").asLong());
        assertEquals(2048, result.at("/parameters/sizes/1").asInt());
        assertEquals(51.5, result.at("/results/peakGflops").asDouble());
        assertTrue(result.get("goalMet").isNull());
        assertEquals(51.5, BenchmarkLog.read(json).orElseThrow().at("/results/peakGflops").asDouble());
        assertTrue(BenchmarkLog.read(tmp.resolve("absent.json")).isEmpty());
    }

    @Test
    void aTableWithoutItsHeaderIsKeptAsideAndStartedAfresh(@TempDir Path tmp) throws Exception {
        Path table = tmp.resolve("BENCHMARKS.md");
        Files.writeString(table, "someone's notes\n| not | our | table |\n");
        log(table).record(gemm(40), tmp.resolve("a.json"));

        String text = Files.readString(table);
        assertTrue(text.startsWith("# Benchmarks"), text);
        assertTrue(text.contains(BenchmarkLog.TABLE_HEADER + "\n" + BenchmarkLog.TABLE_RULE + "\n"), text);
        assertEquals(1, rows(table).size());
        Path kept = tmp.resolve("BENCHMARKS.md.unrecognised-" + NOW.toEpochMilli());
        assertEquals("someone's notes\n| not | our | table |\n", Files.readString(kept));
        assertTrue(text.contains(kept.getFileName().toString()), "the table says where the old content went: " + text);

        // a header whose rule line is damaged is not a table either
        Files.writeString(table, BenchmarkLog.TABLE_HEADER + "\n|---|\n");
        new BenchmarkLog(table, MACHINE, "abc1234", NOW.plusSeconds(1)).record(gemm(41), tmp.resolve("b.json"));
        assertEquals(1, rows(table).size());
    }

    @Test
    void aRowGoesOnItsOwnLineAndCellsCannotBreakTheTable(@TempDir Path tmp) throws Exception {
        Path table = tmp.resolve("BENCHMARKS.md");
        log(table).record(gemm(40), tmp.resolve("a.json"));
        Files.writeString(table, Files.readString(table).stripTrailing()); // edited by hand: no final newline
        log(table).record(new BenchmarkLog.Result("spark", Map.of("masters", "local[1]|local[2]"), Map.of(),
                "a\nb", "", true), tmp.resolve("b.json"));
        List<String> rows = rows(table);
        assertEquals(2, rows.size());
        assertTrue(rows.get(1).contains("masters=local[1]\\|local[2] | a b |  | yes |"), rows.get(1));
    }

    @Test
    void aResultNeedsANameAndAHeadline() {
        assertThrows(IllegalArgumentException.class, () -> new BenchmarkLog.Result(" ", Map.of(), Map.of(), "h", "", null));
        assertThrows(IllegalArgumentException.class, () -> new BenchmarkLog.Result("gemm", Map.of(), Map.of(), null, "", null));
    }

    @Test
    void theCommitIsGitsShortHashOrUnknownAndTheMachineIsThisOne() {
        String commit = BenchmarkLog.gitCommit();
        assertTrue(commit.equals("unknown") || commit.matches("[0-9a-f]{4,40}"), commit);
        BenchmarkLog.Machine machine = BenchmarkLog.Machine.current();
        assertEquals(Runtime.getRuntime().availableProcessors(), machine.cores());
        assertTrue(machine.maxHeapBytes() > 0 && !machine.cpu().isBlank() && !machine.nd4jBackend().isBlank(), machine.toString());
    }
}

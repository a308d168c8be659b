package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code bench} commands as a user does, into one benchmark table, checking what every run must leave. */
record BenchRunner(Path table) {
    static final String[] LOCAL_SPARK = {"-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false"};

    /** Runs {@code bench <name> args --json json --log table}, checks it succeeded and added a row, returns the JSON. */
    JsonNode bench(String name, Path json, String... args) throws Exception {
        long rowsBefore = rows();
        List<String> all = new ArrayList<>(List.of("bench", name));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--json", json.toString(), "--log", table.toString()));
        CliRunner run = CliRunner.run(all.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(rowsBefore + 1, rows(), "one row more in " + table);
        assertTrue(run.out().contains("row appended to " + table), run.out());
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertEquals(name, result.get("benchmark").asText());
        return result;
    }

    long rows() throws Exception {
        return Files.isRegularFile(table) ? Files.readAllLines(table).stream().filter(l -> l.startsWith("| 20")).count() : 0;
    }
}

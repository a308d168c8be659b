package org.detsearch.sweep;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.TrialConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialStoreTest {
    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());

    /** A record of trial {@code n} with a status and attempt (the config differs by seed). */
    static TrialRecord record(int n, TrialStatus status, int attempt) {
        TrialConfig config = new TrialConfig("retinanet", new TreeMap<>(Map.of("head-depth", 1)), n, 1.0, new TreeMap<>());
        return new TrialRecord(TrialConfig.RESULT_FORMAT_VERSION, config.id(), status, attempt, config.toMap(), Map.of(),
                "retinanet", "arch " + n, 100L + n, 120L + n, 1000L, 128, 128, null,
                status == TrialStatus.DONE ? Map.of("AP", 0.1 * n) : null, null, null, Map.of("totalSeconds", 1.0), "host", "1",
                "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", null, null,
                status == TrialStatus.FAILED ? new TrialRecord.Failure("java.lang.IllegalStateException", "boom", "trace") : null);
    }

    /** Every record in the store's files (loose and compacted), as trial ids: a trial twice is a duplicate. */
    static List<String> physicalRecords(java.nio.file.Path store) throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(store)) {
            for (java.nio.file.Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".json") && !name.startsWith(".")) {
                    ids.add(TrialRecord.fromJson(Files.readAllBytes(f), f.toString()).id());
                } else if (name.endsWith(".jsonl")) {
                    for (String line : Files.readAllLines(f)) {
                        ids.add(TrialRecord.fromJson(line.getBytes(), f.toString()).id());
                    }
                }
            }
        }
        return ids;
    }

    @Test
    void aDoneRecordIsNeverReplacedAnyOtherIs(@TempDir java.nio.file.Path dir) throws Exception {
        TrialStore store = new TrialStore(FILES, new Path(dir.toUri()));
        TrialRecord failed = record(1, TrialStatus.FAILED, 1);
        assertTrue(store.put(failed));
        assertEquals(TrialStatus.FAILED, store.readLoose(failed.id()).orElseThrow().status());
        assertTrue(store.put(record(1, TrialStatus.DONE, 2)), "a retry replaces the failed record");
        assertFalse(store.put(record(1, TrialStatus.FAILED, 3)), "a slower copy does not replace a DONE record");
        TrialRecord kept = store.readLoose(failed.id()).orElseThrow();
        assertEquals(TrialStatus.DONE, kept.status());
        assertEquals(2, kept.attempt());
        assertEquals(List.of(failed.id()), physicalRecords(dir));
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            assertEquals(List.of(failed.id() + ".json"), files.map(p -> p.getFileName().toString()).toList(), "no temporary files left");
        }
    }

    @Test
    void compactionFoldsLooseRecordsIntoOneFileOnceAndKeepsOneRecordPerTrial(@TempDir java.nio.file.Path dir) throws Exception {
        TrialStore store = new TrialStore(FILES, new Path(dir.toUri()));
        for (int n = 1; n <= 3; n++) {
            store.put(record(n, n == 3 ? TrialStatus.FAILED : TrialStatus.DONE, 1));
        }
        Map<String, TrialRecord> all = store.compact();
        assertEquals(3, all.size());
        List<String> files;
        try (Stream<java.nio.file.Path> listing = Files.list(dir.resolve(TrialStore.COMPACTED_DIR))) {
            files = listing.map(p -> p.getFileName().toString()).toList();
        }
        assertEquals(List.of("records-000001.jsonl"), files);
        assertEquals(3, physicalRecords(dir).size(), "the loose records are gone");
        assertEquals(all.keySet(), store.compact().keySet(), "nothing new: nothing rewritten");
        assertTrue(Files.exists(dir.resolve(TrialStore.COMPACTED_DIR).resolve("records-000001.jsonl")));

        store.put(record(3, TrialStatus.DONE, 2)); // the failed trial, retried
        store.put(record(4, TrialStatus.DONE, 1));
        Map<String, TrialRecord> after = store.compact();
        assertEquals(4, after.size());
        assertEquals(TrialStatus.DONE, after.get(record(3, TrialStatus.DONE, 2).id()).status());
        assertEquals(2, after.get(record(3, TrialStatus.DONE, 2).id()).attempt());
        List<String> ids = physicalRecords(dir);
        assertEquals(4, ids.size());
        assertEquals(4, ids.stream().distinct().count(), "one record per trial");
    }

    @Test
    void aCompactionInterruptedBeforeDeletingIsRepairedByTheNext(@TempDir java.nio.file.Path dir) throws Exception {
        TrialStore store = new TrialStore(FILES, new Path(dir.toUri()));
        store.put(record(1, TrialStatus.DONE, 1));
        store.put(record(2, TrialStatus.FAILED, 1));
        store.compact();
        // as if a compaction had written records-000002 and died before deleting records-000001 and the loose ones
        java.nio.file.Path compacted = dir.resolve(TrialStore.COMPACTED_DIR);
        Files.copy(compacted.resolve("records-000001.jsonl"), compacted.resolve("records-000002.jsonl"));
        Files.write(dir.resolve(record(1, TrialStatus.DONE, 1).id() + ".json"), record(1, TrialStatus.DONE, 1).toJson());
        Files.write(dir.resolve(record(2, TrialStatus.FAILED, 1).id() + ".json"), record(2, TrialStatus.FAILED, 2).toJson());
        Map<String, TrialRecord> all = store.compact();
        assertEquals(2, all.size());
        assertEquals(2, all.get(record(2, TrialStatus.FAILED, 1).id()).attempt(), "the newer record of a trial wins");
        assertEquals(2, physicalRecords(dir).size());
    }

    @Test
    void aDoneRecordBeatsANewerFailedOne() {
        assertEquals(TrialStatus.DONE, TrialStore.newer(record(1, TrialStatus.DONE, 1), record(1, TrialStatus.FAILED, 2)).status());
        assertEquals(2, TrialStore.newer(record(1, TrialStatus.DONE, 1), record(1, TrialStatus.DONE, 2)).attempt());
        assertEquals(TrialStatus.DONE, TrialStore.newer(record(1, TrialStatus.FAILED, 1), record(1, TrialStatus.DONE, 2)).status());
    }

    @Test
    void aDamagedRecordIsNamed(@TempDir java.nio.file.Path dir) throws Exception {
        Files.writeString(dir.resolve("0123.json"), "{not json");
        IOException e = assertThrows(IOException.class, () -> new TrialStore(FILES, new Path(dir.toUri())).compact());
        assertTrue(e.getMessage().contains("0123.json is not a trial record"), e.getMessage());
        assertTrue(new TrialStore(FILES, new Path(dir.resolve("missing").toUri())).compact().isEmpty(), "no store yet: no records");
    }
}

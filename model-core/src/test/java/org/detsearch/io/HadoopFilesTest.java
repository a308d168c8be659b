package org.detsearch.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local paths, plain or file://, behave as Hadoop's local file system does (they bypass it for speed). */
class HadoopFilesTest {
    private final HadoopFiles files = new HadoopFiles(new Configuration());

    @Test
    void plainAndFileUrisNameTheSameFile(@TempDir java.nio.file.Path tmp) throws Exception {
        Path plain = files.qualify(tmp.resolve("a.json").toString());
        Path uri = files.qualify(tmp.resolve("a.json").toUri().toString());
        assertEquals(uri, plain);
        files.writeAtomically(plain, new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, files.readAll(uri));
        assertTrue(files.exists(uri));
    }

    @Test
    void aMissingFileIsFileNotFoundAsOnHadoop(@TempDir java.nio.file.Path tmp) {
        Path missing = files.qualify(tmp.resolve("none.json").toString());
        assertFalse(assertDoesNotThrowExists(missing));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> files.readAll(missing));
        assertTrue(e.getMessage().contains("none.json"), e.getMessage());
    }

    @Test
    void aFailedLocalWriteKeepsTheOldFileAndLeavesNoTemporary(@TempDir java.nio.file.Path tmp) throws Exception {
        Path target = files.qualify(tmp.resolve("sub/m.json").toString());
        files.writeAtomically(target, "old".getBytes());
        assertThrows(java.io.IOException.class, () -> files.writeAtomically(target, out -> {
            out.write("half".getBytes());
            throw new java.io.IOException("disk full");
        }));
        assertEquals("old", Files.readString(tmp.resolve("sub/m.json")));
        try (var listing = Files.list(tmp.resolve("sub"))) {
            assertEquals(1, listing.count());
        }
    }

    private boolean assertDoesNotThrowExists(Path path) {
        try {
            return files.exists(path);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

package org.detsearch.testing;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file operations jobs rely on, through Hadoop's FileSystem API against one store (MiniHdfsTest, S3ProxyTest). */
final class FileSystemRoundTrip {
    private FileSystemRoundTrip() {
    }

    /** Writes, reads back, lists, renames and deletes under {@code dir}, which must not exist yet. */
    static void check(FileSystem fs, Path dir) throws IOException {
        assertFalse(fs.exists(dir), dir + " exists before the test");
        byte[] text = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        byte[] binary = new byte[300_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        Path a = new Path(dir, "a.txt");
        Path b = new Path(dir, "sub/b.bin");
        write(fs, a, text);
        write(fs, b, binary);

        assertArrayEquals(text, read(fs, a), "read back " + a);
        assertArrayEquals(binary, read(fs, b), "read back " + b);
        assertEquals(binary.length, fs.getFileStatus(b).getLen());

        List<String> listed = Arrays.stream(fs.listStatus(dir))
                .map(s -> s.getPath().getName() + (s.isDirectory() ? "/" : "")).sorted().toList();
        assertEquals(List.of("a.txt", "sub/"), listed, "listing of " + dir);

        Path renamed = new Path(dir, "renamed/a.txt");
        assertTrue(fs.mkdirs(renamed.getParent()));
        assertTrue(fs.rename(a, renamed), "rename " + a + " -> " + renamed);
        assertFalse(fs.exists(a), a + " is gone after the rename");
        assertArrayEquals(text, read(fs, renamed), "content after the rename");

        assertTrue(fs.delete(new Path(dir, "sub"), true));
        assertFalse(fs.exists(b), b + " is gone after deleting its folder");
        FileStatus[] left = fs.listStatus(dir);
        assertEquals(1, left.length, "only renamed/ is left: " + Arrays.toString(left));
        assertTrue(fs.delete(dir, true));
        assertFalse(fs.exists(dir));
    }

    private static void write(FileSystem fs, Path path, byte[] content) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            out.write(content);
        }
    }

    private static byte[] read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }
}

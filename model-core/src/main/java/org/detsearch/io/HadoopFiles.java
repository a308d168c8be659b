package org.detsearch.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.UUID;

/**
 * File access by URI on any Hadoop file system (file://, hdfs://, s3a://; a plain path means the local disk),
 * and atomic writes: a reader sees either the previous complete file or the new complete file, never a part.
 * <p>
 * Local files are read and written with java.nio directly: starting Hadoop's file-system machinery (service
 * loading, user login) costs over a second, which dominated short commands such as {@code evaluate}.
 */
public final class HadoopFiles {
    private final Configuration conf;

    public HadoopFiles(Configuration conf) {
        this.conf = conf;
    }

    public Configuration conf() {
        return conf;
    }

    public FileSystem fileSystem(Path path) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the file system of " + path, e);
        }
    }

    /** A fully qualified path (scheme and authority filled in), so "out/x" and "file:/abs/out/x" compare equal. */
    public Path qualify(String uri) {
        Path path = new Path(uri);
        if (path.toUri().getScheme() == null) {
            return new Path(java.nio.file.Path.of(path.toUri().getPath()).toAbsolutePath().normalize().toUri());
        }
        return fileSystem(path).makeQualified(path);
    }

    public InputStream open(Path path) throws IOException {
        java.nio.file.Path local = local(path);
        if (local != null) {
            try {
                return new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(local), 1 << 16);
            } catch (java.nio.file.NoSuchFileException e) {
                // the contract of Hadoop's open(), which callers rely on to tell "missing" from other failures
                throw new java.io.FileNotFoundException("File " + path + " does not exist");
            }
        }
        return fileSystem(path).open(path);
    }

    public boolean exists(Path path) throws IOException {
        java.nio.file.Path local = local(path);
        return local != null ? java.nio.file.Files.exists(local) : fileSystem(path).exists(path);
    }

    /** The java.nio path of a file:// (or scheme-less) path; null for other file systems. */
    private static java.nio.file.Path local(Path path) {
        String scheme = path.toUri().getScheme();
        if (scheme == null) {
            return java.nio.file.Path.of(path.toUri().getPath());
        }
        return scheme.equals("file") ? java.nio.file.Path.of(path.toUri()) : null;
    }

    public byte[] readAll(Path path) throws IOException {
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes a file atomically. On object stores (s3a) one PUT is atomic: the object appears only when the
     * upload completes. But closing an s3a stream completes the upload even after the writer failed, so the
     * content is produced in memory first and only a complete one is sent (this is for manifests, records and
     * annotation files, not for bulk data). Elsewhere the bytes go to a hidden temporary file in the same
     * folder, which is then renamed over the target.
     */
    public void writeAtomically(Path target, Writer writer) throws IOException {
        java.nio.file.Path local = local(target);
        if (local != null) {
            writeLocalAtomically(local, writer);
            return;
        }
        FileSystem fs = fileSystem(target);
        if (isObjectStore(fs)) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            writer.write(buffer);
            try (OutputStream out = fs.create(target, true)) {
                buffer.writeTo(out);
            }
            return;
        }
        Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(temp, false)) {
                writer.write(out);
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(temp, target)) {
                throw new IOException("cannot rename " + temp + " to " + target);
            }
        } finally {
            fs.delete(temp, false);
        }
    }

    private static void writeLocalAtomically(java.nio.file.Path target, Writer writer) throws IOException {
        java.nio.file.Path dir = target.toAbsolutePath().getParent();
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(temp))) {
                writer.write(out);
            }
            java.nio.file.Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            java.nio.file.Files.deleteIfExists(temp);
        }
    }

    public void writeAtomically(Path target, byte[] bytes) throws IOException {
        writeAtomically(target, out -> out.write(bytes));
    }

    public static boolean isObjectStore(FileSystem fs) {
        String scheme = fs.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("s3a") || scheme.equals("s3") || scheme.equals("gs") || scheme.equals("abfs");
    }

    /** Writes the content of a file to a stream; may throw. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }
}

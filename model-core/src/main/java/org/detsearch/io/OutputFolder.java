package org.detsearch.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * A job's output folder. A job never writes into an existing output unless told to: it either refuses, naming
 * what is there, or (with overwrite) deletes it first.
 */
public final class OutputFolder {
    private OutputFolder() {
    }

    /** Makes {@code dir} an empty folder; {@code marker} is the file a finished run leaves (e.g. manifest.json). */
    public static void claim(HadoopFiles files, Path dir, boolean overwrite, String marker) throws IOException {
        FileSystem fs = files.fileSystem(dir);
        if (fs.exists(dir)) {
            boolean empty = fs.getFileStatus(dir).isDirectory() && fs.listStatus(dir).length == 0;
            if (!empty) {
                if (!overwrite) {
                    String state = fs.exists(new Path(dir, marker))
                            ? "holds a finished run"
                            : "holds an unfinished run (no " + marker + ")";
                    throw new OutputExistsException("output " + dir + " already exists and " + state
                            + "; choose another output or set overwrite = true to replace it");
                }
                if (!fs.delete(dir, true)) {
                    throw new IOException("cannot delete " + dir + " to overwrite it");
                }
            }
        }
        fs.mkdirs(dir);
    }

    /** Raised when an output exists and overwriting was not asked for: a usage error, not a job failure. */
    public static final class OutputExistsException extends IllegalStateException {
        public OutputExistsException(String message) {
            super(message);
        }
    }
}

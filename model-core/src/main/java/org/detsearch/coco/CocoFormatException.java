package org.detsearch.coco;

import java.io.IOException;

/**
 * A COCO JSON file that cannot be read as COCO: truncated, not JSON, a value of the wrong type, a required field
 * missing. The message names the file, the JSON path of the offending value, its line and column and the reason,
 * so a user can open the file at the right place without a debugger. It is an {@link IOException} because, like a
 * truncated read, it is about the content of a file, and every reader already handles those.
 */
public final class CocoFormatException extends IOException {
    private final String source;
    private final String jsonPath;
    private final int line;
    private final int column;
    private final String reason;

    public CocoFormatException(String source, String jsonPath, int line, int column, String reason, Throwable cause) {
        super(source + ": malformed COCO JSON at " + jsonPath + " (line " + line + ", column " + column + "): " + reason, cause);
        this.source = source;
        this.jsonPath = jsonPath;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** The file (or stream name) that was being read. */
    public String source() {
        return source;
    }

    /** Where in the document, e.g. {@code $.annotations[12].bbox}; {@code $} is the whole document. */
    public String jsonPath() {
        return jsonPath;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String reason() {
        return reason;
    }
}

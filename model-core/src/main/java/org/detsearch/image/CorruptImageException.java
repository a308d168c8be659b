package org.detsearch.image;

/** Image bytes that do not decode to a complete picture (unknown format, truncated or damaged data). */
public final class CorruptImageException extends Exception {
    public CorruptImageException(String message) {
        super(message);
    }

    public CorruptImageException(String message, Throwable cause) {
        super(message, cause);
    }
}

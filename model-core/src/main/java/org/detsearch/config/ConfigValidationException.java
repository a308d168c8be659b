package org.detsearch.config;

/**
 * A configuration value that is missing, of the wrong type or outside what is allowed. The message names the
 * config path, the value found and what is allowed, so a user can fix the HOCON file without reading code.
 */
public final class ConfigValidationException extends RuntimeException {
    private final String path;

    public ConfigValidationException(String path, Object value, String allowed) {
        super("bad config value at '" + path + "': " + describe(value) + "; " + allowed);
        this.path = path;
    }

    public ConfigValidationException(String message, Throwable cause) {
        super(message, cause);
        this.path = null;
    }

    public String path() {
        return path;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        return value instanceof String ? "got \"" + value + "\"" : "got " + value;
    }
}

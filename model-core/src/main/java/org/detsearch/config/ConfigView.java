package org.detsearch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Typed, validating reads from one subtree of a Typesafe {@link Config}. Every failure becomes a
 * {@link ConfigValidationException} naming the full path (prefix included), the bad value and what is allowed.
 */
public final class ConfigView {
    private final Config config;
    private final String prefix;

    private ConfigView(Config scoped, String prefix) {
        this.config = scoped;
        this.prefix = prefix;
    }

    /** The subtree of {@code root} at {@code prefix} ("" for the whole config). */
    public static ConfigView of(Config root, String prefix) {
        if (!prefix.isEmpty() && !root.hasPath(prefix)) {
            throw new ConfigValidationException(prefix, null, "expected a config section");
        }
        return new ConfigView(prefix.isEmpty() ? root : root.getConfig(prefix), prefix);
    }

    public ConfigView sub(String path) {
        if (!config.hasPath(path)) {
            throw new ConfigValidationException(fullPath(path), null, "expected a config section");
        }
        return new ConfigView(config.getConfig(path), fullPath(path));
    }

    /** The path of this section, e.g. {@code train.model}. */
    public String section() {
        return prefix;
    }

    public String fullPath(String path) {
        return prefix.isEmpty() ? path : prefix + "." + path;
    }

    public Config raw() {
        return config;
    }

    public boolean has(String path) {
        return config.hasPath(path);
    }

    public String string(String path) {
        return read(path, "a string", () -> config.getString(path));
    }

    /** A string that must not be blank (paths, names). */
    public String nonBlank(String path) {
        String value = string(path);
        if (value.isBlank()) {
            throw new ConfigValidationException(fullPath(path), value, "must not be empty");
        }
        return value;
    }

    /** An optional string: absent, null or empty all mean "not set". */
    public String optionalString(String path) {
        if (!config.hasPath(path)) {
            return null;
        }
        String value = string(path);
        return value.isBlank() ? null : value;
    }

    public boolean bool(String path) {
        return read(path, "true or false", () -> config.getBoolean(path));
    }

    public int intIn(String path, int min, int max) {
        return (int) longIn(path, min, max);
    }

    public long longIn(String path, long min, long max) {
        Number number = read(path, "an integer", () -> config.getNumber(path));
        // Typesafe Config would silently truncate 0.5 to 0
        if (number.doubleValue() != Math.rint(number.doubleValue())) {
            throw new ConfigValidationException(fullPath(path), number, "expected an integer");
        }
        long value = number.longValue();
        if (value < min || value > max) {
            throw new ConfigValidationException(fullPath(path), value, "allowed: an integer in [" + min + ", " + max + "]");
        }
        return value;
    }

    public double doubleIn(String path, double min, double max) {
        double value = read(path, "a number", () -> config.getDouble(path));
        if (!(value >= min && value <= max)) {
            throw new ConfigValidationException(fullPath(path), value, "allowed: a number in [" + min + ", " + max + "]");
        }
        return value;
    }

    /** A size such as "128MB" or 134217728, in bytes, at least {@code min}. */
    public long bytesAtLeast(String path, long min) {
        long value = read(path, "a size in bytes (e.g. 128MB)", () -> config.getBytes(path));
        if (value < min) {
            throw new ConfigValidationException(fullPath(path), config.getValue(path).unwrapped(), "allowed: a size of at least " + min + " bytes");
        }
        return value;
    }

    /** One of a closed set of lower-case words; matching ignores case. */
    public <E extends Enum<E>> E enumValue(String path, Class<E> type) {
        String value = string(path);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.replace('-', '_'))) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .reduce((a, b) -> a + ", " + b).orElse("");
        throw new ConfigValidationException(fullPath(path), value, "allowed: one of " + allowed);
    }

    /**
     * Builds a spec whose constructor checks combinations of values (e.g. min <= max), turning its
     * IllegalArgumentException into a config error that names the section.
     */
    public static <T> T validated(String section, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigValidationException("bad config in section '" + section + "': " + e.getMessage(), e);
        }
    }

    public List<String> stringList(String path) {
        return read(path, "a list of strings", () -> config.getStringList(path));
    }

    private <T> T read(String path, String expected, java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigException.Missing e) {
            throw new ConfigValidationException(fullPath(path), null, "expected " + expected);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            ConfigValue value = config.getValue(path);
            throw new ConfigValidationException(fullPath(path), value.unwrapped(), "expected " + expected);
        }
    }
}

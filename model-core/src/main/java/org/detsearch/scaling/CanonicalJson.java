package org.detsearch.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One spelling for one value, so that equal trial configs hash equally whatever file or JVM they came from:
 * objects with sorted keys, no whitespace, integral numbers as integers (HOCON's {@code 1} and {@code 1.0} are one
 * value), other numbers rounded to 15 significant digits from their exact binary value (independent of the JDK's
 * {@code Double.toString}, which changed in Java 19), strings with JSON's minimal escaping.
 * <p>
 * Values are {@code String}, {@code Boolean}, {@code Long}, {@code Double}, lists and sorted maps of those;
 * {@link #normalise} turns any other number or map into that form and rejects what JSON cannot hold.
 */
public final class CanonicalJson {
    private static final MathContext DIGITS = new MathContext(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CanonicalJson() {
    }

    /** The value in canonical form: numbers as Long or Double, maps as unmodifiable sorted maps, lists unmodifiable. */
    public static Object normalise(Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number number) {
            return normaliseNumber(number);
        }
        if (value instanceof Map<?, ?> map) {
            SortedMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("config keys must be strings, got " + entry.getKey());
                }
                sorted.put(key, normalise(entry.getValue()));
            }
            return Collections.unmodifiableSortedMap(sorted);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(normalise(v)));
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("a trial config holds strings, booleans, numbers, lists and objects; got "
                + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
    }

    private static Object normaliseNumber(Number number) {
        if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            return number.longValue();
        }
        double d = number.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("a trial config cannot hold the number " + d);
        }
        BigDecimal rounded = new BigDecimal(d).round(DIGITS).stripTrailingZeros();
        if (rounded.scale() <= 0 && rounded.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
            return rounded.longValueExact();
        }
        return rounded.doubleValue();
    }

    /** The canonical text of a (normalised or not) value. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(normalise(value), out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Boolean || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Double d) {
            out.append(new BigDecimal(d).round(DIGITS).stripTrailingZeros().toString());
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote((String) entry.getKey(), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses JSON text (canonical or not) into the normalised form. */
    public static Object parse(String json) {
        try {
            return fromNode(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static Object fromNode(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return normaliseNumber(node.asDouble());
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(fromNode(n)));
            return Collections.unmodifiableList(list);
        }
        if (node.isObject()) {
            SortedMap<String, Object> map = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                map.put(field.getKey(), fromNode(field.getValue()));
            }
            return Collections.unmodifiableSortedMap(map);
        }
        throw new IllegalArgumentException("a trial config cannot hold JSON " + node.getNodeType() + " (" + node + ")");
    }
}

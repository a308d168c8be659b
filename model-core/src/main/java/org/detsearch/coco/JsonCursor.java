package org.detsearch.coco;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Typed reads over a streaming {@link JsonParser}, for readers that walk a document token by token. Every read
 * either returns a value of the expected type or throws a {@link CocoFormatException} naming the source, the JSON
 * path, the line and column and what was expected, so the readers themselves only say what a COCO file looks like.
 *
 * <p>Convention: the value methods ({@link #longValue()}, {@link #box()}, ...) first advance to the value, so a
 * reader calls them right after {@link #nextField()} has stopped on a field name.
 */
final class JsonCursor {
    /** How much of a wrong string value an error message quotes. */
    private static final int QUOTED_VALUE_LIMIT = 40;
    private static final Pattern SOURCE_IN_MESSAGE = Pattern.compile("\\[Source: [^\\]]*?; line:");

    private final JsonParser parser;
    private final String source;

    JsonCursor(JsonParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    /** Advances to the next token; the input ending inside the document is an error, never a silent stop. */
    private JsonToken next() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw malformed("unexpected end of input", parser.currentLocation(), null);
        }
        return token;
    }

    /** Advances to a value that must be an object; its fields are then read with {@link #nextField()}. */
    void startObject() throws IOException {
        if (next() != JsonToken.START_OBJECT) {
            throw malformed("expected an object, got " + describeCurrent());
        }
    }

    /** Advances to the next field name of the current object: true, or to its end: false. */
    boolean nextField() throws IOException {
        return next() == JsonToken.FIELD_NAME;
    }

    String fieldName() throws IOException {
        return parser.currentName();
    }

    /** Skips the value of the current field, however deeply nested (segmentations, info, licenses, ...). */
    void skipValue() throws IOException {
        next();
        parser.skipChildren();
    }

    /**
     * Advances to a value that must be an array of objects and reads each element with {@code element}, which is
     * called positioned on the element's START_OBJECT and reads its fields with {@link #nextField()}.
     */
    <T> List<T> listOfObjects(ElementReader<T> element) throws IOException {
        List<T> list = new ArrayList<>();
        forEachObject(() -> list.add(element.read()));
        return list;
    }

    /** Like {@link #listOfObjects} for readers that hand each element on instead of returning it. */
    void forEachObject(ElementVisitor element) throws IOException {
        if (next() != JsonToken.START_ARRAY) {
            throw malformed("expected an array, got " + describeCurrent());
        }
        while (next() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw malformed("expected an object, got " + describeCurrent());
            }
            element.visit();
        }
    }

    /** Checks that nothing follows the top-level value, so that two concatenated files do not pass as one. */
    void expectEndOfInput() throws IOException {
        if (parser.nextToken() != null) {
            throw malformed("unexpected content after the end of the top-level value");
        }
    }

    long longValue() throws IOException {
        next();
        requireInteger();
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw malformed("integer " + parser.getText() + " is out of range");
        }
        return parser.getLongValue();
    }

    int intValue() throws IOException {
        next();
        requireInteger();
        if (parser.getNumberType() != JsonParser.NumberType.INT) {
            throw malformed("integer " + parser.getText() + " is out of range");
        }
        return parser.getIntValue();
    }

    double doubleValue() throws IOException {
        next();
        return currentDouble();
    }

    /** COCO's {@code iscrowd} style flag: the integer 0 or 1. */
    boolean zeroOrOne() throws IOException {
        next();
        requireInteger();
        String text = parser.getText();
        if (!text.equals("0") && !text.equals("1")) {
            throw malformed("expected 0 or 1, got " + text);
        }
        return text.equals("1");
    }

    String stringValue() throws IOException {
        if (next() != JsonToken.VALUE_STRING) {
            throw malformed("expected a string, got " + describeCurrent());
        }
        return parser.getText();
    }

    /** A string, or null where the value is JSON null. */
    String nullableStringValue() throws IOException {
        if (next() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw malformed("expected a string or null, got " + describeCurrent());
        }
        return parser.getText();
    }

    /** A COCO box: an array of exactly four numbers [x, y, width, height]. */
    BBox box() throws IOException {
        double[] values = new double[4];
        boxInto(values);
        return new BBox(values[0], values[1], values[2], values[3]);
    }

    /** Reads a box into {@code values} (length 4) without allocating. */
    void boxInto(double[] values) throws IOException {
        if (next() != JsonToken.START_ARRAY) {
            throw malformed("expected a box [x, y, width, height], got " + describeCurrent());
        }
        int count = 0;
        while (next() != JsonToken.END_ARRAY) {
            if (count == 4) {
                throw malformed("a box has 4 numbers [x, y, width, height], this one has more");
            }
            values[count++] = currentDouble();
        }
        if (count < 4) {
            throw malformed("a box has 4 numbers [x, y, width, height], this one has " + count);
        }
    }

    /** An error for a required field that the object just read (the cursor is on its END_OBJECT) did not have. */
    CocoFormatException missingField(String field) {
        return malformed("missing required field '" + field + "'");
    }

    /** An error at the current token. */
    private CocoFormatException malformed(String reason) {
        return malformed(reason, parser.currentTokenLocation(), null);
    }

    /**
     * Jackson's own error (not JSON, truncated, a duplicate field, a number too long) as a COCO format error. The
     * parser's context still describes where it stopped, so the path is as precise as for the cursor's own errors.
     */
    CocoFormatException malformed(JsonProcessingException e) {
        JsonLocation location = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        return malformed(reasonOf(e), location, e);
    }

    /**
     * Jackson's message without what the location already says: truncation, reported in several wordings, becomes
     * one plain phrase, and the "[Source: ...; line: 1, column: 12]" of a nested position loses the source part.
     */
    private static String reasonOf(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (e instanceof JsonEOFException || message.startsWith("Unexpected end-of-input")) {
            return "unexpected end of input";
        }
        return SOURCE_IN_MESSAGE.matcher(message).replaceAll("[line:");
    }

    private CocoFormatException malformed(String reason, JsonLocation location, Throwable cause) {
        return new CocoFormatException(source, jsonPath(parser.getParsingContext()),
                location.getLineNr(), location.getColumnNr(), reason, cause);
    }

    private void requireInteger() throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw malformed("expected an integer, got " + describeCurrent());
        }
    }

    private double currentDouble() throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw malformed("expected a number, got " + describeCurrent());
        }
        return parser.getDoubleValue();
    }

    private String describeCurrent() throws IOException {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string \"" + abbreviate(parser.getText()) + "\"";
            case VALUE_NUMBER_INT -> "the integer " + parser.getText();
            case VALUE_NUMBER_FLOAT -> "the number " + parser.getText();
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + parser.getText();
            case VALUE_NULL -> "null";
            case END_ARRAY -> "the end of the array";
            case END_OBJECT -> "the end of the object";
            default -> token.toString();
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= QUOTED_VALUE_LIMIT ? text : text.substring(0, QUOTED_VALUE_LIMIT) + "...";
    }

    /**
     * The path of the parser's position in JSONPath notation, e.g. {@code $.annotations[12].bbox[3]}. Built from
     * the context chain rather than {@code pathAsPointer()} so that array indexes and field names stay distinct.
     */
    static String jsonPath(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.hasCurrentIndex()) {
                path.insert(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                path.insert(0, "." + c.getCurrentName());
            }
        }
        return path.insert(0, '$').toString();
    }

    /** Reads one element of an array and hands it on; may throw. */
    @FunctionalInterface
    interface ElementVisitor {
        void visit() throws IOException;
    }

    /** Reads one element of an array; may throw. */
    @FunctionalInterface
    interface ElementReader<T> {
        T read() throws IOException;
    }
}

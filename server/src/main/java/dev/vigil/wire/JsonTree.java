package dev.vigil.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one JSON value into plain Java values straight from Jackson's streaming parser: objects as
 * {@code LinkedHashMap} (a repeated key keeps its last value), arrays as {@code ArrayList}, integers as
 * {@code Long}, other numbers as {@code Double} (rounded to the nearest; {@code -0.0} stays negative zero), and
 * strings, booleans and null. Anything after the value is an error, and so is a number no event can hold
 * ({@link UnusableValue}): an integer beyond 64 bits, or one like {@code 1e400} that only an infinite double
 * could hold. Jackson's default read constraints bound the rest: nesting at most 1,000 deep, numbers at most 1,000
 * characters, strings at most 20,000,000. Input events ({@link #parseInput}) nest at most
 * {@link JsonCodec#MAX_EVENT_DEPTH} levels, so that an alert, which holds its events three levels down, and every
 * reader of it stay within Jackson's 1,000.
 *
 * <p>Why not {@code ObjectMapper.readValue(text, Object.class)}: it gives the same values but sets up a
 * deserialization context for every call, which cost more than the parsing itself for one small event; this
 * reader is the input hot path of the server and of {@code vigil run}. For the same reason input events
 * ({@link #parseInput}: an object at the top, or an element of an array at the top) are read into the engine's
 * compact {@code EventFields} ({@link FieldShapes}), equal to the {@code LinkedHashMap} they were before, unless a
 * name repeats in them; objects nested in an event stay {@code LinkedHashMap}s.
 *
 * <p><b>Thread-safe:</b> stateless; the factory is shared.
 */
final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {
    }

    /** Any JSON value, nested up to Jackson's limit (what the server wrote itself, read again). */
    static Object parse(String text) throws JsonProcessingException {
        return parse(text, Integer.MAX_VALUE);
    }

    /**
     * Input: an event, or a JSON array of events, each nesting at most {@code maxEventDepth} levels (the event object
     * is the first).
     */
    static Object parseInput(String text, int maxEventDepth) throws JsonProcessingException {
        return parse(text, maxEventDepth, FieldShapes.reader());
    }

    /**
     * The JSON values of {@code text} one after the other, each read as an input event (compact, at most
     * {@code maxEventDepth} levels; a value at the top is at level 1, also an array), with the character offset at
     * which each starts in {@code starts} (grown as needed: the array to use is {@link Sequence#starts}). One parser
     * for all of them: the NDJSON lines of one message cost one parser instead of one each. Throws as {@link #parse}
     * at the first value that does not read; where values sit in lines is the caller's to check.
     */
    static Sequence parseSequence(String text, int maxEventDepth) throws JsonProcessingException {
        FieldShapes.Reader events = FieldShapes.reader();
        List<Object> values = new ArrayList<>();
        long[] starts = new long[16];
        try (JsonParser parser = FACTORY.createParser(text)) {
            ParserBase located = (ParserBase) parser;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (values.size() == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, starts.length * 2);
                }
                starts[values.size()] = located.getTokenCharacterOffset();
                values.add(value(parser, token, 1, maxEventDepth, events));
            }
            return new Sequence(values, starts);
        } catch (JsonProcessingException bad) {
            throw bad;
        } catch (IOException cannotHappen) {
            throw new UncheckedIOException("reading JSON from a String", cannotHappen);
        }
    }

    /** What {@link #parseSequence} read: the values, and where each starts ({@code starts[i]}, a character offset). */
    record Sequence(List<Object> values, long[] starts) {}

    /** An event's fields that the server wrote itself (the ingest log), read compactly as input events are. */
    static Object parseEvent(String text) throws JsonProcessingException {
        return parse(text, Integer.MAX_VALUE, FieldShapes.reader());
    }

    private static Object parse(String text, int maxEventDepth) throws JsonProcessingException {
        return parse(text, maxEventDepth, null);
    }

    /** {@code events}: where event objects (depth 1) are read compactly, or null for plain maps throughout. */
    private static Object parse(String text, int maxEventDepth, FieldShapes.Reader events)
            throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonParseException(parser, "No content: the text holds no JSON value");
            }
            // the elements of an array at the top are events, as a value at the top is
            Object value = first == JsonToken.START_ARRAY ? array(parser, 0, maxEventDepth, events)
                    : value(parser, first, 1, maxEventDepth, events);
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + after + ") found after value");
            }
            return value;
        } catch (JsonProcessingException bad) {
            throw bad;
        } catch (IOException cannotHappen) {
            throw new UncheckedIOException("reading JSON from a String", cannotHappen);
        }
    }

    private static Object value(JsonParser parser, JsonToken token, int depth, int maxDepth,
            FieldShapes.Reader events) throws IOException {
        switch (token) {
            case START_OBJECT:
                return events != null && depth == 1 ? event(parser, maxDepth, events) : object(parser, depth, maxDepth);
            case START_ARRAY:
                return array(parser, depth, maxDepth, events);
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new UnusableValue(parser, 10, "integer " + shortText(parser) + " is outside the 64-bit "
                            + "range (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")");
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                double number = parser.getDoubleValue();
                if (Double.isInfinite(number)) {
                    throw new UnusableValue(parser, 10, "number " + shortText(parser) + " is beyond the range of a "
                            + "64-bit double (magnitude at most " + Double.MAX_VALUE + ")");
                }
                return number;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonParseException(parser, "Unexpected token " + token);
        }
    }

    /** A number's text for a message: long numbers are cut (Jackson allows up to 1,000 digits). */
    private static String shortText(JsonParser parser) throws IOException {
        String text = parser.getText();
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + text.substring(text.length() - 10)
                + " (" + text.length() + " characters)";
    }

    /**
     * A value JSON allows but an event cannot hold: an integer beyond 64 bits, a number beyond the range of a double
     * (JSON itself has no NaN or infinity, so none can be made of it), nesting deeper than events may. Read as a
     * value error, not as a syntax error: {@link #getOriginalMessage()} names the field.
     */
    static final class UnusableValue extends JsonParseException {
        /** @param steps how many steps of the field's path to name at most */
        UnusableValue(JsonParser parser, int steps, String problem) {
            super(parser, where(parser.getParsingContext(), steps) + problem);
        }

        /** {@code field 'a.b': }, {@code field '[2].amount': } in an array, or nothing for a value on its own. */
        private static String where(JsonStreamContext context, int steps) {
            List<String> path = new ArrayList<>();
            for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
                path.add(0, at.inArray() ? "[" + at.getCurrentIndex() + "]" : String.valueOf(at.getCurrentName()));
            }
            StringBuilder field = new StringBuilder();
            for (int i = 0; i < Math.min(steps, path.size()); i++) {
                field.append(i == 0 || path.get(i).startsWith("[") ? "" : ".").append(path.get(i));
            }
            if (path.size() > steps) {
                field.append("...");
            }
            return field.length() == 0 ? "" : "field '" + field + "': ";
        }
    }

    /**
     * Jackson's reason for a parse error without what only speaks to a Jackson user: which feature would allow the
     * input, which constraint method limits it, and the redacted source in a start marker (its column stays).
     */
    static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        if (reason == null) {
            return "unreadable";
        }
        if (reason.contains("StreamReadConstraints")) {
            reason = CONSTRAINT_METHOD.matcher(reason).replaceAll("");
        }
        if (reason.contains("start marker")) {
            reason = START_MARKER.matcher(reason).replaceAll("(opened at column $1)");
        }
        return reason.contains("enable `") ? FEATURE_HINT.matcher(reason).replaceAll("") : reason;
    }

    private static final Pattern FEATURE_HINT = Pattern.compile(": enable `[A-Za-z_.]+` to allow");
    private static final Pattern START_MARKER =
            Pattern.compile("\\(start marker at \\[Source: [^\\]]*?; line: \\d+, column: (\\d+)\\]\\)");
    private static final Pattern CONSTRAINT_METHOD = Pattern.compile(", from `StreamReadConstraints\\.\\w+\\(\\)`");

    private static Map<String, Object> object(JsonParser parser, int depth, int maxDepth) throws IOException {
        tooDeep(parser, depth, maxDepth);
        Map<String, Object> object = new LinkedHashMap<>();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            object.put(name, value(parser, parser.nextToken(), depth + 1, maxDepth, null));
        }
        return object;
    }

    /** An event object (depth 1), compact; what it nests is read as plain maps and lists. */
    private static Map<String, Object> event(JsonParser parser, int maxDepth, FieldShapes.Reader events)
            throws IOException {
        tooDeep(parser, 1, maxDepth);
        events.start();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            events.add(name, value(parser, parser.nextToken(), 2, maxDepth, null));
        }
        return events.finish();
    }

    private static List<Object> array(JsonParser parser, int depth, int maxDepth, FieldShapes.Reader events)
            throws IOException {
        tooDeep(parser, depth, maxDepth);
        List<Object> array = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            array.add(value(parser, token, depth + 1, maxDepth, depth == 0 ? events : null));
        }
        return array;
    }

    private static void tooDeep(JsonParser parser, int depth, int maxDepth) throws UnusableValue {
        if (depth > maxDepth) {
            throw new UnusableValue(parser, 3, "objects and arrays nest deeper than the " + maxDepth
                    + " levels an event may have");
        }
    }
}

package dev.vigil.nfa;

import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.StreamDecl;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed JSON object into an {@link Event}, validating it against the stream's declaration when there is
 * one. Every problem is a value naming the field, never an exception, so a host can report it to the sender with
 * the line or position it came from and go on.
 *
 * <p>Every event names its {@code stream}. Its event time is the declared {@code EVENT TIME} field, else
 * {@code ts}: epoch milliseconds or ISO-8601 text ({@code 2026-11-21T08:00:00Z}; without an offset, UTC).
 * Declared fields must have their declared type when present; absent fields are null; undeclared fields are
 * kept as they are.
 */
public final class EventDecoder {
    /** The outcome of decoding one object. */
    public sealed interface Decoded permits Valid, Invalid {}

    public record Valid(Event event) implements Decoded {}

    /** @param field the field at fault, or {@code null} when the object as a whole is wrong */
    public record Invalid(String field, String message) implements Decoded {}

    private final Map<String, StreamDecl> declarations = new HashMap<>();
    private final boolean timestampRequired;

    /**
     * @param timestampRequired false in processing time, where an event without a timestamp is stamped on arrival
     *     (its timestamp is then {@code Long.MIN_VALUE} and the host replaces it)
     */
    public EventDecoder(List<StreamDecl> streams, boolean timestampRequired) {
        for (StreamDecl stream : streams) {
            declarations.putIfAbsent(stream.name(), stream);
        }
        this.timestampRequired = timestampRequired;
    }

    public Decoded decode(Map<String, Object> json, long sequence) {
        Object stream = json.get("stream");
        if (stream == null) {
            return new Invalid("stream", "missing field 'stream' (the name of the event's stream)");
        }
        if (!(stream instanceof String name) || name.isEmpty()) {
            return new Invalid("stream", "field 'stream' must be a non-empty string, got " + describe(stream));
        }
        StreamDecl declaration = declarations.get(name);
        List<String> timePath = declaration != null && declaration.eventTimeField() != null
                ? declaration.eventTimeField().segments() : List.of("ts");
        String timeField = String.join(".", timePath);
        Object time = fieldAt(json, timePath);
        long timestamp;
        if (time == null) {
            if (timestampRequired) {
                return new Invalid(timeField, "missing event time field '" + timeField
                        + "' (epoch milliseconds or ISO-8601 text)");
            }
            timestamp = Long.MIN_VALUE;
        } else {
            Long parsed = toEpochMillis(time);
            if (parsed == null) {
                return new Invalid(timeField, "field '" + timeField
                        + "' must be epoch milliseconds or ISO-8601 text, got " + describe(time));
            }
            timestamp = parsed;
        }
        if (declaration != null) {
            for (FieldDecl field : declaration.fields()) {
                Object value = fieldAt(json, field.path().segments());
                String problem = typeProblem(name, field, value);
                if (problem != null) {
                    return new Invalid(field.path().dotted(), problem);
                }
            }
        }
        return new Valid(new Event(name, timestamp, sequence, json));
    }

    private static String typeProblem(String stream, FieldDecl field, Object value) {
        if (value == null || hasType(field, value)) {
            return null;
        }
        return "field '" + field.path().dotted() + "' of stream '" + stream + "' must be " + field.type() + ", got "
                + describe(value);
    }

    private static boolean hasType(FieldDecl field, Object value) {
        return switch (field.type()) {
            case STRING -> value instanceof String;
            case LONG -> value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof java.math.BigInteger;
            case DOUBLE -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case TIMESTAMP -> toEpochMillis(value) != null;
        };
    }

    /** Epoch milliseconds from an integral number or ISO-8601 text, or null when it is neither. */
    public static Long toEpochMillis(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return d.longValue();
        }
        if (value instanceof String text) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException notInstant) {
                try {
                    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                } catch (DateTimeParseException notOffset) {
                    try {
                        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
                    } catch (DateTimeParseException notLocal) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static Object fieldAt(Map<String, Object> json, List<String> path) {
        Object value = json;
        for (String segment : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(segment);
        }
        return value;
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "text \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof Boolean) {
            return "boolean " + value;
        }
        return "number " + value;
    }
}

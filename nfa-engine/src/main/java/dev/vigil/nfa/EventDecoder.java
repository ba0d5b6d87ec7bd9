package dev.vigil.nfa;

import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldType;
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
 * {@code ts}: epoch milliseconds or ISO-8601 text ({@code 2026-11-21T08:00:00Z}; without an offset, UTC), within
 * the accepted range of {@link EventTime} (years 0001 to 9999), which keeps every later time computation far from
 * the ends of {@code long}.
 * Declared fields must have their declared type when present; absent fields are null; undeclared fields are
 * kept as they are.
 */
public final class EventDecoder {
    /** The outcome of decoding one object. */
    public sealed interface Decoded permits Valid, Invalid {}

    public record Valid(Event event) implements Decoded {}

    /** @param field the field at fault, or {@code null} when the object as a whole is wrong */
    public record Invalid(String field, String message) implements Decoded {}

    /** What {@link #epochMillis} returns for a value that is no time; outside the accepted range, as is the next. */
    private static final long NOT_A_TIME = Long.MIN_VALUE;
    /** What {@link #epochMillis} returns for a time outside {@link EventTime}'s range. */
    private static final long OUT_OF_RANGE = Long.MAX_VALUE;
    private static final long MIN_SECOND = Math.floorDiv(EventTime.MIN_MS, 1000) - 1;
    private static final long MAX_SECOND = Math.floorDiv(EventTime.MAX_MS, 1000) + 1;

    /**
     * Told of every event decoded as valid, on the thread that decodes it (a host learning which streams and fields
     * its events have). It must be quick and must not keep or change the event.
     */
    public interface Observer {
        void decoded(String stream, Map<String, Object> event);
    }

    private static final Observer NOBODY = (stream, event) -> { };

    private final Map<String, StreamDecl> declarations;
    private final boolean timestampRequired;
    private final Observer observer;

    /**
     * @param timestampRequired false in processing time, where an event without a timestamp is stamped on arrival
     *     (its timestamp is then {@code Long.MIN_VALUE} and the host replaces it)
     */
    public EventDecoder(List<StreamDecl> streams, boolean timestampRequired) {
        this.declarations = new HashMap<>();
        for (StreamDecl stream : streams) {
            declarations.putIfAbsent(stream.name(), stream);
        }
        this.timestampRequired = timestampRequired;
        this.observer = NOBODY;
    }

    private EventDecoder(EventDecoder decoder, Observer observer) {
        this.declarations = decoder.declarations;
        this.timestampRequired = decoder.timestampRequired;
        this.observer = observer;
    }

    /** This decoder, telling {@code observer} of each valid event too. */
    public EventDecoder observedBy(Observer observer) {
        return new EventDecoder(this, observer);
    }

    public Decoded decode(Map<String, Object> json, long sequence) {
        return decode(json, sequence, sequence);
    }

    /** As {@link #decode(Map, long)}, the event named {@code identity} by its source (a Kafka record's). */
    public Decoded decode(Map<String, Object> json, long sequence, long identity) {
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
            timestamp = epochMillis(time);
            if (timestamp == NOT_A_TIME || timestamp == OUT_OF_RANGE) {
                return new Invalid(timeField, timeProblem(timeField, time));
            }
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
        observer.decoded(name, json);
        return new Valid(new Event(name, timestamp, sequence, identity, json));
    }

    private static String typeProblem(String stream, FieldDecl field, Object value) {
        if (value == null || hasType(field, value)) {
            return null;
        }
        String name = field.path().dotted();
        if (field.type() == FieldType.TIMESTAMP && epochMillis(value) == OUT_OF_RANGE) {
            return "field '" + name + "' of stream '" + stream + "' is a TIMESTAMP " + outsideRange(value);
        }
        return "field '" + name + "' of stream '" + stream + "' must be " + field.type() + ", got " + describe(value);
    }

    private static boolean hasType(FieldDecl field, Object value) {
        return switch (field.type()) {
            case STRING -> value instanceof String;
            case LONG -> value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof java.math.BigInteger;
            case DOUBLE -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case TIMESTAMP -> {
                long millis = epochMillis(value);
                yield millis != NOT_A_TIME && millis != OUT_OF_RANGE;
            }
        };
    }

    /**
     * Epoch milliseconds from an integral number or ISO-8601 text within the accepted range ({@link EventTime}),
     * or null when it is not one ({@link #timeProblem} says why).
     */
    public static Long toEpochMillis(Object value) {
        long millis = epochMillis(value);
        return millis == NOT_A_TIME || millis == OUT_OF_RANGE ? null : millis;
    }

    /** Why {@code value} of {@code field} is no event time: what {@link #toEpochMillis} refused, for a sender. */
    public static String timeProblem(String field, Object value) {
        if (epochMillis(value) == OUT_OF_RANGE) {
            return "field '" + field + "' is " + outsideRange(value);
        }
        return "field '" + field + "' must be epoch milliseconds or ISO-8601 text, got " + describe(value);
    }

    private static String outsideRange(Object value) {
        return "outside the accepted event times " + EventTime.RANGE + ", got " + describe(value);
    }

    /**
     * Epoch milliseconds, {@link #NOT_A_TIME} for a value that is neither a whole number nor ISO-8601 text, or
     * {@link #OUT_OF_RANGE} for a time outside {@link EventTime}'s range. Never throws: no time is converted to
     * milliseconds before it is known to fit.
     */
    private static long epochMillis(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            long millis = ((Number) value).longValue();
            return EventTime.accepted(millis) ? millis : OUT_OF_RANGE;
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite() || d != Math.rint(d)) {
                return NOT_A_TIME;
            }
            return d >= EventTime.MIN_MS && d <= EventTime.MAX_MS ? d.longValue() : OUT_OF_RANGE;
        }
        if (value instanceof String text) {
            Instant instant = instant(text);
            if (instant == null) {
                return NOT_A_TIME;
            }
            // seconds first: toEpochMilli overflows far beyond the range (years up to 1e9 parse)
            if (instant.getEpochSecond() < MIN_SECOND || instant.getEpochSecond() > MAX_SECOND) {
                return OUT_OF_RANGE;
            }
            long millis = instant.toEpochMilli();
            return EventTime.accepted(millis) ? millis : OUT_OF_RANGE;
        }
        return NOT_A_TIME;
    }

    /** ISO-8601 text as an instant: with Z, with an offset, or without one (UTC); null when it is none of them. */
    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notLocal) {
                    return null;
                }
            }
        }
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

package dev.vigil.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out for the command line: parses input lines (integers as Long, trailing garbage rejected) and
 * renders alerts and late events as one-line JSON objects. The alert object is the engine's output contract:
 * {@code id, rule, version, kind, key, severity, start, end, [timeoutAt,] fields, events}.
 */
public final class JsonCodec {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonCodec() {}

    /**
     * How many levels of objects and arrays an input event may nest, the event object being the first: well within
     * Jackson's 1,000, which an alert holding the event three levels down, and whoever reads the alert, must keep.
     */
    public static final int MAX_EVENT_DEPTH = 100;

    /** Any JSON value, nested up to Jackson's limit of 1,000 levels (what the server wrote itself, read again). */
    public static Object parse(String text) throws JsonProcessingException {
        return JsonTree.parse(text);
    }

    /** An event's fields as the server logged them: a JSON object, read as compactly as input ({@link #parseInput}). */
    public static Object parseEvent(String text) throws JsonProcessingException {
        return JsonTree.parseEvent(text);
    }

    /** Input: an event, or an array of events, nested at most {@link #MAX_EVENT_DEPTH} levels each. */
    public static Object parseInput(String text) throws JsonProcessingException {
        return JsonTree.parseInput(text, MAX_EVENT_DEPTH);
    }

    /**
     * Where and why {@code text} is not one JSON value, in plain words ({@code line 1, column 12: expected ',' or '}'
     * after the field's value, found '"'}), for an answer to a request whose JSON body does not parse; null when the
     * text is one JSON value, or when only the parser can tell (then say less).
     */
    public static String mistake(String text) {
        JsonSyntax.Mistake mistake = JsonSyntax.mistake(text);
        return mistake == null ? null : JsonSyntax.where(text, mistake.offset()) + ": " + mistake.message();
    }

    /** The alert as its one-line JSON object (the contract in docs/alerts.md). */
    public static String alert(Alert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", alert.id());
        json.put("rule", alert.rule());
        json.put("version", alert.version());
        json.put("kind", alert.kind().json());
        json.put("key", alert.key());
        json.put("severity", alert.severity());
        json.put("start", alert.start());
        json.put("end", alert.end());
        if (alert.kind() == Alert.Kind.TIMEOUT) {
            json.put("timeoutAt", alert.timeoutAt());
        }
        json.put("fields", alert.fields());
        Map<String, List<Map<String, Object>>> events = new LinkedHashMap<>();
        for (Map.Entry<String, List<Event>> bound : alert.events().entrySet()) {
            List<Map<String, Object>> received = new ArrayList<>(bound.getValue().size());
            for (Event event : bound.getValue()) {
                received.add(event.fields());
            }
            events.put(bound.getKey(), received);
        }
        json.put("events", events);
        return write(json);
    }

    /**
     * A late event as {@code vigil run --late} writes it: where it was read ({@code position}: its line, or its
     * record's topic, partition and offset), then the event, the watermark it was late for, and why.
     */
    public static String late(LateEvent late, Map<String, Object> position) {
        Map<String, Object> json = new LinkedHashMap<>(position);
        json.put("stream", late.event().stream());
        json.put("ts", late.event().timestamp());
        json.put("watermark", late.watermark());
        json.put("reason", late.reason());
        json.put("event", late.event().fields());
        return write(json);
    }

    /** Any plain JSON value (string, number, boolean, list, map) as one-line JSON text. */
    public static String value(Object json) {
        return write(json);
    }

    private static String write(Object json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert values are plain JSON values: " + e.getMessage(), e);
        }
    }
}

package dev.vigil.wire;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjIntConsumer;

/**
 * One line of NDJSON input, classified: an event, an explicit watermark ({@code {"watermark": ts}}, optionally
 * with {@code "stream"}), a blank line, or a malformed line with the reason. Watermark messages are the same ones
 * the server accepts over WebSocket. Shared by {@code vigil run}, the server's {@code POST /v1/events} and its
 * WebSocket {@code /v1/events}.
 */
public sealed interface InputLine {
    /**
     * @param text the event's JSON text as received, when it came as a line of its own (the ingest log stores it
     *     as it is instead of writing the fields again); {@code null} otherwise
     */
    record EventLine(Event event, String text) implements InputLine {
        public EventLine(Event event) {
            this(event, null);
        }
    }

    /** @param stream the stream the watermark is for, or {@code null} for every stream */
    /** An explicit watermark: for one stream, or for every stream when {@code stream} is null. */
    record WatermarkLine(String stream, long timestamp) implements InputLine {
        /** Advances {@code engine}'s watermark of this line's stream, or of every stream. */
        public void applyTo(Engine engine) {
            if (stream == null) {
                engine.advanceWatermark(timestamp);
            } else {
                engine.advanceWatermark(stream, timestamp);
            }
        }
    }

    record Blank() implements InputLine {}

    /**
     * A line that is refused, and why; the reason is cut to {@link #MAX_MESSAGE_CHARS}, so an answer listing
     * refused lines never echoes huge input.
     */
    record Malformed(String message) implements InputLine {
        public Malformed {
            if (message.length() > MAX_MESSAGE_CHARS) {
                message = message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
            }
        }
    }

    /** The longest reason a refused line gets. */
    int MAX_MESSAGE_CHARS = 300;

    /** A line refused as invalid JSON whose reason was not wanted. */
    Malformed UNREAD = new Malformed("invalid JSON");

    Set<String> WATERMARK_KEYS = Set.of("watermark", "stream");

    /** Classifies one line; {@code lineNumber} becomes the event's sequence (alert ids depend on it). */
    static InputLine parse(String text, long lineNumber, EventDecoder decoder) {
        return parse(text, lineNumber, decoder, true);
    }

    /**
     * As {@link #parse(String, long, EventDecoder)}; without {@code reasonWanted} a line that is certainly not
     * JSON is refused as {@link #UNREAD} without parsing it, which costs no parser exception (for a host that
     * lists the reasons of only the first refused lines).
     */
    static InputLine parse(String text, long lineNumber, EventDecoder decoder, boolean reasonWanted) {
        if (text.isBlank()) {
            return new Blank();
        }
        if (!reasonWanted && JsonSyntax.refuses(text)) {
            return UNREAD;
        }
        Object json;
        try {
            json = JsonCodec.parseInput(text);
        } catch (JsonProcessingException e) {
            return new Malformed(invalidJson("invalid JSON", e));
        }
        return classify(json, lineNumber, decoder, text);
    }

    /**
     * How a JSON error reads for a sender: {@code what} ({@code invalid JSON}...), the column when known, and
     * Jackson's reason; a number no event can hold is said as such, naming its field.
     */
    static String invalidJson(String what, JsonProcessingException e) {
        if (e instanceof JsonTree.UnusableValue) {
            return e.getOriginalMessage();
        }
        JsonLocation at = e.getLocation();
        String column = at == null || at.getColumnNr() < 1 ? "" : ", column " + at.getColumnNr();
        return what + column + ": " + JsonTree.reason(e);
    }

    /**
     * Calls {@code each} with every line of NDJSON {@code text} (split at {@code \n}, a trailing {@code \r}
     * dropped) and its index from 0; an empty text is one empty line.
     */
    static void eachLine(String text, ObjIntConsumer<String> each) {
        int index = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            each.accept(text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end), index++);
            start = end + 1;
        }
    }

    /**
     * Classifies one already parsed JSON value (an element of a JSON array of events); {@code sequence} becomes
     * the event's sequence.
     */
    static InputLine classify(Object json, long sequence, EventDecoder decoder) {
        return classify(json, sequence, decoder, null);
    }

    @SuppressWarnings("unchecked")
    private static InputLine classify(Object json, long sequence, EventDecoder decoder, String text) {
        if (!(json instanceof Map<?, ?>)) {
            return new Malformed("expected a JSON object, got " + (json instanceof java.util.List ? "an array"
                    : "a " + (json == null ? "null" : json.getClass().getSimpleName().toLowerCase())));
        }
        Map<String, Object> object = (Map<String, Object>) json;
        if (object.containsKey("watermark") && WATERMARK_KEYS.containsAll(object.keySet())) {
            Long timestamp = EventDecoder.toEpochMillis(object.get("watermark"));
            if (timestamp == null) {
                return new Malformed(EventDecoder.timeProblem("watermark", object.get("watermark")));
            }
            Object stream = object.get("stream");
            if (stream != null && !(stream instanceof String)) {
                return new Malformed("field 'stream' of a watermark must be a string");
            }
            return new WatermarkLine((String) stream, timestamp);
        }
        EventDecoder.Decoded decoded = decoder.decode(object, sequence);
        if (decoded instanceof EventDecoder.Invalid invalid) {
            return new Malformed(invalid.message());
        }
        return new EventLine(((EventDecoder.Valid) decoded).event(), text);
    }
}

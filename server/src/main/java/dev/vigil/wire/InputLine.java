package dev.vigil.wire;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import java.util.List;
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
        return parse(text, lineNumber, lineNumber, decoder, reasonWanted);
    }

    /** As {@link #parse(String, long, EventDecoder)}, the event named {@code identity} by its source. */
    static InputLine parse(String text, long sequence, long identity, EventDecoder decoder) {
        return parse(text, sequence, identity, decoder, true);
    }

    private static InputLine parse(String text, long lineNumber, long identity, EventDecoder decoder,
            boolean reasonWanted) {
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
            return new Malformed(invalidLine(text, e));
        }
        return classify(json, lineNumber, identity, decoder, text);
    }

    /**
     * Why a line is not JSON, as {@link #invalidJson} says it, with a hint for the usual ways of getting NDJSON
     * wrong: a compressed file, events run together on one line ({@code curl --data}), a pretty-printed event.
     */
    private static String invalidLine(String text, JsonProcessingException e) {
        if (text.length() > 1 && text.charAt(0) == 0x1F && (text.charAt(1) == 0x8B || text.charAt(1) == 0xFFFD)) {
            return "the input looks gzip-compressed (it starts with the bytes 0x1F 0x8B): decompress it first, e.g. "
                    + "gunzip -c FILE.gz";
        }
        JsonSyntax.Mistake mistake = e instanceof JsonTree.UnusableValue ? null : JsonSyntax.mistake(text);
        String reason = describe("invalid JSON", text, e, mistake);
        if (mistake != null && mistake.trailing()) {
            return reason + "; one event per line (NDJSON): curl --data (-d) removes a file's line breaks, "
                    + "--data-binary @FILE keeps them";
        }
        if (mistake != null && mistake.unclosed() && endsOpen(text)) {
            return reason + " (an event goes on one line: NDJSON; send a pretty-printed event on one line or inside a "
                    + "JSON array)";
        }
        return reason;
    }

    /**
     * How a JSON error in {@code text} reads for a sender: {@code what} ({@code invalid JSON}...), where (the
     * column, and the line when the text has several), and what is wrong in plain words ({@link JsonSyntax#mistake});
     * a number no event can hold is said as such, naming its field. The parser's own reason is used only where the
     * quick reader leaves the decision to it (characters beyond ASCII between tokens, deep nesting, its limits).
     */
    static String invalidJson(String what, String text, JsonProcessingException e) {
        return describe(what, text, e, e instanceof JsonTree.UnusableValue ? null : JsonSyntax.mistake(text));
    }

    private static String describe(String what, String text, JsonProcessingException e, JsonSyntax.Mistake mistake) {
        if (e instanceof JsonTree.UnusableValue) {
            return e.getOriginalMessage();
        }
        if (mistake != null) {
            return what + ", " + JsonSyntax.where(text, mistake.offset()) + ": " + mistake.message();
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getColumnNr() < 1 ? ""
                : (text.indexOf('\n') < 0 ? "" : ", line " + at.getLineNr()) + ", column " + at.getColumnNr();
        return what + where + ": " + JsonTree.reason(e);
    }

    /** True when a line stops where a pretty-printer breaks one: after an opening bracket, a comma or a colon. */
    private static boolean endsOpen(String text) {
        String trimmed = text.strip();
        char last = trimmed.isEmpty() ? 0 : trimmed.charAt(trimmed.length() - 1);
        return last == '{' || last == '[' || last == ',' || last == ':';
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
     * Calls {@code each} with every line of NDJSON {@code text} classified, and its index from 0, as
     * {@link #eachLine} and {@link #parse(String, long, EventDecoder)} would, and returns true; when some line is
     * not one JSON value alone (nor blank), calls nothing and returns false (the caller then reads line by line,
     * which says what is wrong where). All lines are read by one parser ({@link JsonTree#parseSequence}): the
     * usual message of well-formed events costs one parser instead of one per line.
     */
    static boolean parseLines(String text, long sequence, EventDecoder decoder, ObjIntConsumer<InputLine> each) {
        JsonTree.Sequence read;
        try {
            read = JsonTree.parseSequence(text, JsonCodec.MAX_EVENT_DEPTH);
        } catch (JsonProcessingException notEveryLine) {
            return false;
        }
        List<Object> values = read.values();
        int[] lineOf = new int[values.size()];   // the line each value starts on; one value per line
        int line = 0;
        int lineEnd = lineEnd(text, 0);
        for (int v = 0; v < values.size(); v++) {
            long start = read.starts()[v];
            while (start > lineEnd) {   // past this line's '\n'
                lineEnd = lineEnd(text, lineEnd + 1);
                line++;
            }
            if (v > 0 && lineOf[v - 1] == line) {
                return false;   // two values on one line
            }
            lineOf[v] = line;
        }
        // every line without a value must be blank: a value spanning lines leaves its last line without one
        int v = 0;
        int index = 0;
        for (int start = 0; start <= text.length(); index++) {
            int end = lineEnd(text, start);
            if (v < values.size() && lineOf[v] == index) {
                v++;
            } else if (!text.substring(start, end).isBlank()) {
                return false;
            }
            start = end + 1;
        }
        v = 0;
        index = 0;
        for (int start = 0; start <= text.length(); index++) {
            int end = lineEnd(text, start);
            if (v < values.size() && lineOf[v] == index) {
                int cut = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
                each.accept(classify(values.get(v++), sequence, sequence, decoder, text.substring(start, cut)), index);
            } else {
                each.accept(new Blank(), index);
            }
            start = end + 1;
        }
        return true;
    }

    /** Where the line starting at {@code start} ends: its '\n', or the end of the text. */
    private static int lineEnd(String text, int start) {
        int end = text.indexOf('\n', start);
        return end < 0 ? text.length() : end;
    }

    /**
     * Classifies one already parsed JSON value (an element of a JSON array of events); {@code sequence} becomes
     * the event's sequence.
     */
    static InputLine classify(Object json, long sequence, EventDecoder decoder) {
        return classify(json, sequence, sequence, decoder, null);
    }

    /** As {@link #classify(Object, long, EventDecoder)}, the event named {@code identity} by its source. */
    static InputLine classify(Object json, long sequence, long identity, EventDecoder decoder) {
        return classify(json, sequence, identity, decoder, null);
    }

    @SuppressWarnings("unchecked")
    private static InputLine classify(Object json, long sequence, long identity, EventDecoder decoder, String text) {
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
        EventDecoder.Decoded decoded = decoder.decode(object, sequence, identity);
        if (decoded instanceof EventDecoder.Invalid invalid) {
            return new Malformed(invalid.message());
        }
        return new EventLine(((EventDecoder.Valid) decoded).event(), text);
    }
}

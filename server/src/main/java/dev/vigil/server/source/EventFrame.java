package dev.vigil.server.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * One body of events split into its elements and classified: a WebSocket text message or a {@code POST /v1/events}
 * body, each a JSON array of events when its first non-blank character is {@code [}, else NDJSON, one event or
 * watermark per line (a message holding one JSON object is one line of NDJSON), or a named batch ({@link BatchId}):
 * NDJSON after a first line {@code {"batch": "<producer>:<sequence>"}}, or one JSON object
 * {@code {"batch": "<producer>:<sequence>", "events": [...]}} whose array holds the elements.
 *
 * <p>Elements are numbered from 0: the position in the array, or the line in the NDJSON text. The good elements
 * form the {@code batch}, in order; each bad one is refused by its index. A frame whose JSON array does not parse
 * has one error with index {@code -1}: nothing of it is usable.
 *
 * <p>Refusals are counted, but only the first {@link #MAX_LISTED_ERRORS} are kept with their reasons (each cut to
 * {@link InputLine#MAX_MESSAGE_CHARS}): a body of 2 million broken lines is answered with 100 reasons and a
 * count, not with a reason per line, so an answer never grows with the number of refused lines.
 *
 * @param batch the events and watermarks to ingest, in frame order
 * @param errors the first refused elements by index, and an error for the whole frame (index -1) if any
 * @param refused how many elements were refused by index, listed in {@code errors} or not
 * @param name the batch's id when its client named it, else {@code null}
 */
public record EventFrame(List<InputLine> batch, List<ElementError> errors, int refused, BatchId name) {
    /** How many refused elements an answer lists with their reasons; the rest are only counted. */
    public static final int MAX_LISTED_ERRORS = 100;

    /** An element that was refused; {@code index} -1 stands for the whole frame. */
    public record ElementError(int index, String error) {}

    public EventFrame {
        batch = List.copyOf(batch);
        errors = List.copyOf(errors);
    }

    /** An unnamed frame. */
    public EventFrame(List<InputLine> batch, List<ElementError> errors, int refused) {
        this(batch, errors, refused, null);
    }

    /** The same elements under another batch id. */
    public EventFrame named(BatchId id) {
        return new EventFrame(batch, errors, refused, id);
    }

    /**
     * Splits and classifies a WebSocket message or a {@code POST /v1/events} body: a JSON array when
     * {@link #holdsArray}, else NDJSON. Events are numbered later, in log order, by {@link Ingest}.
     */
    public static EventFrame parse(String text, EventDecoder decoder) {
        if (mayNameABatch(text)) {
            EventFrame named = named(text, decoder);
            if (named != null) {
                return named;
            }
        }
        if (!holdsArray(text)) {
            return lines(text, decoder);
        }
        Object json;
        try {
            json = JsonCodec.parseInput(text);
        } catch (JsonProcessingException e) {
            return refused(InputLine.invalidJson("invalid JSON array", text, e));
        }
        Elements elements = new Elements();
        List<?> array = (List<?>) json;
        for (int i = 0; i < array.size(); i++) {
            elements.add(InputLine.classify(array.get(i), 0, decoder), i);
        }
        return elements.frame();
    }

    /** The keys of a named batch's object. */
    private static final java.util.Set<String> BATCH_KEYS = java.util.Set.of("batch", "events");

    /**
     * A named batch, or a frame refused whole when it names one badly; null when the text names no batch (it is
     * then read as NDJSON or an array: an event may have a field called batch). Two forms: NDJSON whose first line
     * is {@code {"batch": "<producer>:<sequence>"}} alone, naming the lines after it (the form {@code vigil send}
     * uses: each event's text is kept as sent); or one object {@code {"batch": ..., "events": [...]}}.
     */
    private static EventFrame named(String text, EventDecoder decoder) {
        int newline = text.indexOf('\n');
        if (newline >= 0 && parsed(text.substring(0, newline)) instanceof java.util.Map<?, ?> head
                && head.size() == 1 && head.containsKey("batch")) {
            Object id = head.get("batch");
            String problem = id instanceof String ? null : "field 'batch' must be a string "
                    + "\"<producer>:<sequence>\"";
            BatchId batch = null;
            try {
                batch = problem == null ? BatchId.parse((String) id) : null;
            } catch (IllegalArgumentException malformed) {
                problem = "field 'batch': " + malformed.getMessage();
            }
            return problem != null ? refused(problem) : lines(text.substring(newline + 1), decoder).named(batch);
        }
        if (!(parsed(text) instanceof java.util.Map<?, ?> object) || !object.containsKey("batch")
                || object.containsKey("stream")) {
            return null;   // NDJSON of several lines, or broken: read line by line, which says what is wrong where
        }
        for (Object key : object.keySet()) {
            if (!BATCH_KEYS.contains(key)) {
                return refused("a named batch is {\"batch\": \"<producer>:<sequence>\", \"events\": [...]}; "
                        + "unknown field '" + key + "'");
            }
        }
        if (!(object.get("batch") instanceof String id)) {
            return refused("field 'batch' must be a string \"<producer>:<sequence>\"");
        }
        BatchId name;
        try {
            name = BatchId.parse(id);
        } catch (IllegalArgumentException malformed) {
            return refused("field 'batch': " + malformed.getMessage());
        }
        if (!(object.get("events") instanceof List<?> array)) {
            return refused("field 'events' of batch " + name + " must be an array of events and watermarks");
        }
        Elements elements = new Elements();
        for (int i = 0; i < array.size(); i++) {
            elements.add(InputLine.classify(array.get(i), 0, decoder), i);
        }
        return elements.frame().named(name);
    }

    /** The JSON value of {@code text}, or null when it is not JSON. */
    private static Object parsed(String text) {
        try {
            return JsonCodec.parseInput(text);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** Whether the text could name a batch: its first non-blank character is '{' and it mentions "batch". */
    private static boolean mayNameABatch(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' && text.contains("\"batch\"");
            }
        }
        return false;
    }

    /**
     * Splits and classifies NDJSON text, one element per line: all lines with one parser when each is one JSON
     * value or blank (the usual message), else line by line, which says what is wrong where.
     */
    public static EventFrame lines(String text, EventDecoder decoder) {
        Elements elements = new Elements();
        if (InputLine.parseLines(text, 0, decoder, elements::add)) {
            return elements.frame();
        }
        InputLine.eachLine(text, (line, index) -> elements.add(InputLine.parse(line, 0, decoder,
                elements.refused < MAX_LISTED_ERRORS), index));
        return elements.frame();
    }

    /** A frame that was refused as a whole (binary, not UTF-8, too large). */
    static EventFrame refused(String error) {
        return new EventFrame(List.of(), List.of(new ElementError(-1, error)), 0);
    }

    /** True when the text's first non-blank character is {@code [}: it is read as one JSON array of elements. */
    public static boolean holdsArray(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '[';
            }
        }
        return false;
    }

    /** Gathers the classified elements: the batch, the first refusals, the count of all. */
    private static final class Elements {
        private final List<InputLine> batch = new ArrayList<>();
        private final List<ElementError> errors = new ArrayList<>();
        private int refused;

        void add(InputLine line, int index) {
            if (line instanceof InputLine.Malformed malformed) {
                if (refused++ < MAX_LISTED_ERRORS) {
                    errors.add(new ElementError(index, malformed.message()));
                }
            } else if (line instanceof InputLine.EventLine || line instanceof InputLine.WatermarkLine) {
                batch.add(line);
            } else if (!(line instanceof InputLine.Blank)) {
                throw new AssertionError(line);
            }
        }

        EventFrame frame() {
            return new EventFrame(batch, errors, refused);
        }
    }
}

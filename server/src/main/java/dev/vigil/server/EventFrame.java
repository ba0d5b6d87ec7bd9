package dev.vigil.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * One text frame received on the {@code /v1/events} WebSocket, split into its elements and classified: a JSON
 * array of events (its first non-blank character is {@code [}), or NDJSON, one event or watermark per line (a
 * frame holding one JSON object is one line of NDJSON).
 *
 * <p>Elements are numbered from 0: the position in the array, or the line in the NDJSON text. The good elements
 * form the {@code batch}, in order; each bad one is reported by its index. A frame whose JSON array does not
 * parse has one error with index {@code -1}: nothing of it is usable.
 *
 * @param batch the events and watermarks to ingest, in frame order
 * @param errors the elements that were refused, by index
 */
record EventFrame(List<InputLine> batch, List<ElementError> errors) {
    /** An element that was refused; {@code index} -1 stands for the whole frame. */
    record ElementError(int index, String error) {}

    EventFrame {
        batch = List.copyOf(batch);
        errors = List.copyOf(errors);
    }

    /** Splits and classifies {@code text}; events are numbered later, in log order, by {@link Ingest}. */
    static EventFrame parse(String text, EventDecoder decoder) {
        List<InputLine> batch = new ArrayList<>();
        List<ElementError> errors = new ArrayList<>();
        if (startsArray(text)) {
            Object json;
            try {
                json = JsonCodec.parse(text);
            } catch (JsonProcessingException e) {
                errors.add(new ElementError(-1, InputLine.invalidJson("invalid JSON array", e)));
                return new EventFrame(batch, errors);
            }
            List<?> elements = (List<?>) json;
            for (int i = 0; i < elements.size(); i++) {
                add(InputLine.classify(elements.get(i), 0, decoder), i, batch, errors);
            }
            return new EventFrame(batch, errors);
        }
        InputLine.eachLine(text, (line, index) -> add(InputLine.parse(line, 0, decoder), index, batch, errors));
        return new EventFrame(batch, errors);
    }

    /** A frame that was refused as a whole (binary, not UTF-8, too large). */
    static EventFrame refused(String error) {
        return new EventFrame(List.of(), List.of(new ElementError(-1, error)));
    }

    private static boolean startsArray(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '[';
            }
        }
        return false;
    }

    private static void add(InputLine line, int index, List<InputLine> batch, List<ElementError> errors) {
        if (line instanceof InputLine.Malformed malformed) {
            errors.add(new ElementError(index, malformed.message()));
        } else if (line instanceof InputLine.EventLine || line instanceof InputLine.WatermarkLine) {
            batch.add(line);
        } else if (!(line instanceof InputLine.Blank)) {
            throw new AssertionError(line);
        }
    }
}

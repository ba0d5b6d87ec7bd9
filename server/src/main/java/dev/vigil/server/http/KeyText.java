package dev.vigil.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.wire.JsonCodec;
import java.util.List;

/**
 * A partition key written in a URL ({@code GET /v1/rules/{name}/keys/{key}}), read into the key values it may stand
 * for. The key is written as the alert filter's {@code key=} writes it: a string as it is ({@code c1}), a number or
 * boolean as its JSON text ({@code 42}), a composite key ({@code PARTITION BY a, b}) as its JSON array
 * ({@code ["c1","eu"]}), URL-encoded; the key of a rule without {@code PARTITION BY} is {@code null}, as in its alerts.
 *
 * <p>Text that reads as JSON of another kind than a string may stand for that value or for the string itself
 * ({@code 42} is the number 42, or the text "42"): both are {@link Read#candidates}, the typed value first, and the
 * caller takes the first that holds state. A JSON string ({@code "42"}, with its quotes) is exactly that string.
 *
 * <p>Stateless.
 */
final class KeyText {
    private KeyText() {}

    /** What a key's text reads as: the keys it may be, in the order to try them, or why it is no key of the rule. */
    sealed interface Read permits Keys, Mistake {}

    /** @param candidates one or two keys (a value, a list for a composite key, null), the likelier first */
    record Keys(List<Object> candidates) implements Read {}

    record Mistake(String message) implements Read {}

    /** Reads {@code text} as a key of a rule partitioned by {@code fields} fields (0: no {@code PARTITION BY}). */
    static Read read(String text, int fields, String rule) {
        Object json = json(text);
        if (fields == 0) {
            return text.equals("null") ? new Keys(java.util.Collections.singletonList(null))
                    : new Mistake("rule " + rule + " has no PARTITION BY: its one key is written null (GET /v1/rules/"
                            + rule + "/keys/null), not " + text);
        }
        if (fields > 1) {
            if (json instanceof List<?> values && values.size() == fields) {
                return new Keys(List.of(values));
            }
            return new Mistake("rule " + rule + " is partitioned by " + fields + " fields: write its key as a JSON "
                    + "array of " + fields + " values in PARTITION BY order, as its alerts show it "
                    + "(e.g. [\"c1\",\"eu\"], URL-encoded %5B%22c1%22%2C%22eu%22%5D), not " + text);
        }
        if (json == NOT_JSON || json instanceof String) {
            return new Keys(List.of(json == NOT_JSON ? text : json));
        }
        return new Keys(java.util.Arrays.asList(json, text));
    }

    /** Stands for text that is not one JSON value. */
    private static final Object NOT_JSON = new Object();

    private static Object json(String text) {
        try {
            return JsonCodec.parse(text);
        } catch (JsonProcessingException notJson) {
            return NOT_JSON;
        }
    }
}

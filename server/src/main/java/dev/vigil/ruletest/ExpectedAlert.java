package dev.vigil.ruletest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of a test's {@code EXPECT} block: the fields of an alert, as {@code vigil run} writes alerts, that the
 * test checks. Only the fields the line names are compared, each in full: {@code {"rule":"r","key":"a"}} accepts any
 * alert of rule {@code r} for key {@code a}, while {@code "fields": {...}} must list every emitted field. Numbers
 * compare by value ({@code 1} equals {@code 1.0}); {@code start}, {@code end} and {@code timeoutAt} may be written
 * as ISO-8601 times. An alert carries no wall-clock field, so every field can be compared; {@code id} depends on
 * the events' positions in the {@code GIVEN} block, {@code version} on the deployment.
 *
 * @param line the line's number in the file
 * @param fields the fields to compare, times as epoch milliseconds
 */
record ExpectedAlert(int line, Map<String, Object> fields) {
    /** The fields an alert has. */
    static final List<String> ALERT_FIELDS = List.of("id", "rule", "version", "kind", "key", "severity", "start",
            "end", "timeoutAt", "fields", "events");

    private static final Set<String> TIMES = Set.of("start", "end", "timeoutAt");

    /** An expected alert, or what is wrong with the line. */
    sealed interface Read permits Valid, Invalid {}

    record Valid(ExpectedAlert alert) implements Read {}

    record Invalid(String message) implements Read {}

    @SuppressWarnings("unchecked")
    static Read read(int line, String text) {
        Object json;
        try {
            json = JsonCodec.parseInput(text);
        } catch (JsonProcessingException e) {
            return new Invalid(InputLine.invalidJson("invalid JSON", text, e));
        }
        if (!(json instanceof Map<?, ?>)) {
            return new Invalid("an expected alert is a JSON object, such as {\"rule\":\"r\",\"key\":\"a\"}");
        }
        Map<String, Object> fields = new LinkedHashMap<>((Map<String, Object>) json);
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (!ALERT_FIELDS.contains(field.getKey())) {
                return new Invalid("'" + field.getKey() + "' is not a field of an alert; an alert has "
                        + String.join(", ", ALERT_FIELDS));
            }
            if (TIMES.contains(field.getKey()) && field.getValue() instanceof String time) {
                Long millis = EventDecoder.toEpochMillis(time);
                if (millis == null) {
                    return new Invalid(EventDecoder.timeProblem(field.getKey(), time));
                }
                field.setValue(millis);
            }
        }
        return new Valid(new ExpectedAlert(line, fields));
    }

    /** Where {@code actual} (an alert as JSON) first differs from this expectation, or null when it does not. */
    String difference(Map<String, Object> actual) {
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            String difference = actual.containsKey(field.getKey())
                    ? difference(field.getKey(), field.getValue(), actual.get(field.getKey()))
                    : field.getKey() + ": expected " + JsonCodec.value(field.getValue()) + ", the alert has none";
            if (difference != null) {
                return difference;
            }
        }
        return null;
    }

    /** Where two JSON values first differ, as {@code path: expected X, got Y}, or null when they are equal. */
    @SuppressWarnings("unchecked")
    static String difference(String path, Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return new BigDecimal(e.toString()).compareTo(new BigDecimal(a.toString())) == 0 ? null
                    : differs(path, expected, actual);
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            for (Map.Entry<String, Object> field : ((Map<String, Object>) e).entrySet()) {
                String child = path + "." + field.getKey();
                if (!a.containsKey(field.getKey())) {
                    return child + ": missing";
                }
                String difference = difference(child, field.getValue(), a.get(field.getKey()));
                if (difference != null) {
                    return difference;
                }
            }
            for (Object name : a.keySet()) {
                if (!e.containsKey(name)) {
                    return path + "." + name + ": not expected, got " + JsonCodec.value(a.get(name));
                }
            }
            return null;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return path + ": expected " + e.size() + " element(s), got " + a.size();
            }
            for (int i = 0; i < e.size(); i++) {
                String difference = difference(path + "[" + i + "]", e.get(i), a.get(i));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        return java.util.Objects.equals(expected, actual) ? null : differs(path, expected, actual);
    }

    private static String differs(String path, Object expected, Object actual) {
        return path + ": expected " + JsonCodec.value(expected) + ", got " + JsonCodec.value(actual);
    }
}

package dev.vigil.server.http;

import dev.vigil.server.backtest.TimeRange;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The body of {@code POST /v1/backtest}, checked: a deployed rule's name ({@code rule}) or rule text ({@code text}),
 * exactly one; optional {@code from} and {@code to} (epoch milliseconds or ISO-8601 text, {@code from < to}); and
 * {@code limit}, the alerts returned at most (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}).
 *
 * @param rule the deployed rule's name, or null when {@code text} is given
 * @param text rule text, or null when {@code rule} is given
 */
record BacktestRequest(String rule, String text, TimeRange range, int limit) {
    static final int DEFAULT_LIMIT = 10_000;
    static final int MAX_LIMIT = 10_000;
    static final Set<String> FIELDS = Set.of("rule", "text", "from", "to", "limit");

    /** A body read: the request, or why it was refused. */
    sealed interface Reading {}

    record Accepted(BacktestRequest request) implements Reading {}

    /** A mistake in {@code field} (answered 400 naming it). */
    record Refused(String field, String message) implements Reading {}

    static Reading read(JsonObject body) {
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                return new Refused(field, "unknown field '" + field + "'; a backtest takes rule or text, and from, "
                        + "to, limit");
            }
        }
        Object rule = body.getValue("rule");
        Object text = body.getValue("text");
        if ((rule == null) == (text == null)) {
            return new Refused(rule == null ? "rule" : "text", "give either 'rule' (the name of a deployed rule) or "
                    + "'text' (rule text to try), " + (rule == null ? "one of them" : "not both"));
        }
        if (rule != null && !(rule instanceof String)) {
            return new Refused("rule", "field 'rule' must be a string, the name of a deployed rule");
        }
        if (text != null && !(text instanceof String)) {
            return new Refused("text", "field 'text' must be a string of rule text");
        }
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        if (body.getValue("from") != null) {
            Long parsed = TimeRange.instant(body.getValue("from"));
            if (parsed == null) {
                return notAnInstant("from");
            }
            from = parsed;
        }
        if (body.getValue("to") != null) {
            Long parsed = TimeRange.instant(body.getValue("to"));
            if (parsed == null) {
                return notAnInstant("to");
            }
            to = parsed;
        }
        if (from >= to) {
            return new Refused("to", "field 'to' must be later than 'from': the range [from, to) is empty");
        }
        int limit = DEFAULT_LIMIT;
        if (body.getValue("limit") != null) {
            Object value = body.getValue("limit");
            if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
                    || ((Number) value).longValue() > MAX_LIMIT) {
                return new Refused("limit", "field 'limit' must be an integer from 1 to " + MAX_LIMIT);
            }
            limit = ((Number) value).intValue();
        }
        return new Accepted(new BacktestRequest((String) rule, (String) text, new TimeRange(from, to), limit));
    }

    private static Refused notAnInstant(String field) {
        return new Refused(field, "field '" + field + "' must be epoch milliseconds or ISO-8601 text, e.g. "
                + "\"2026-11-21T09:00:00Z\"");
    }
}

package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Events, a stub MatchView and a compiler shared by the expression tests. */
final class Fixtures {
    /** The pattern variables of the tests: probe holds three events, big one, idle none. */
    static final List<String> VARIABLES = List.of("probe", "big", "idle");

    /**
     * The current event of the tests. Numbers come in the shapes JSON readers produce (Integer,
     * BigDecimal, BigInteger) besides Long and Double, to show they are normalised when read.
     */
    static final Event PAYMENT = event("payments", 60_000, fields(
            "amount", 12.5,
            "qty", 3,                                   // Integer, as Jackson reads small numbers
            "price", new BigDecimal("19.99"),
            "huge", new BigInteger("123456789012345678901234567890"),
            "max", Long.MAX_VALUE,
            "min", Long.MIN_VALUE,
            "zero", 0L,
            "two", 2.0,
            "card", "4111-XX",
            "merchant", "ACME Corp",
            "empty", "",
            "flag", true,
            "off", false,
            "nothing", null,
            "nan", Double.NaN,
            "device", fields("os", "ios", "version", 17, "screen", fields("dpi", 460L)),
            "tags", List.of("a", "b"),
            "ts", "a field named ts is not the event time"));

    /** probe's events: merchants M1, M2, M3; amounts 1.0, none, 1.5; n 10, 20, 30 (the last an Integer). */
    static final List<Event> PROBES = List.of(
            event("payments", 1_000, fields("amount", 1.0, "merchant", "M1", "n", 10L)),
            event("payments", 2_000, fields("merchant", "M2", "n", 20L)),
            event("payments", 3_000, fields("amount", 1.5, "merchant", "M3", "n", 30)));

    static final List<Event> BIGS = List.of(event("transfers", 4_000, fields("amount", 900L, "merchant", "ZZZ")));

    static final MatchView MATCH = match(List.of(PROBES, BIGS, List.of()));

    static final ExpressionCompiler COMPILER = new ExpressionCompiler(VARIABLES);

    private Fixtures() {}

    static Event event(String stream, long timestamp, Map<String, Object> fields) {
        return new Event(stream, timestamp, timestamp / 1000, fields);
    }

    /** A field map from alternating names and values; values may be null (unlike Map.of). */
    static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    /** A MatchView holding the given events per variable, in variable order. */
    static MatchView match(List<List<Event>> eventsByVariable) {
        List<List<Event>> bound = List.copyOf(eventsByVariable);
        return new MatchView() {
            @Override
            public int count(int variable) {
                return bound.get(variable).size();
            }

            @Override
            public Event event(int variable, int index) {
                return bound.get(variable).get(index);
            }
        };
    }

    /** A single-variable match over events with one field {@code x} each holding the given values. */
    static MatchView valuesOfX(Object... values) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Map<String, Object> fields = new HashMap<>();
            fields.put("x", values[i]);
            events.add(event("s", i, fields));
        }
        return match(List.of(events));
    }
}

package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.nfa.FieldNames;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The streams and fields events have had: learnt as events are decoded, bounded (what is not kept is counted and
 * turns "never seen" into "not known", so no warning rests on a dropped name), and free for an event that brings
 * nothing new.
 */
class SeenStreamsTest {

    @Test
    void learnsStreamsAndNestedFieldPaths() {
        SeenStreams seen = new SeenStreams();
        seen.decoded("payments", event("card_id", "c1", "device", Map.of("os", "ios")));
        SeenStreams.Fields fields = seen.fields("payments");
        assertTrue(fields.has("card_id"));
        assertTrue(fields.has("device"));
        assertTrue(fields.has("device.os"));
        assertFalse(fields.has("device.model"));
        assertFalse(fields.has("amount"));
        assertEquals(Set.of("card_id", "device.os"), Set.copyOf(fields.paths()));
        assertNull(seen.fields("logins"));
        assertTrue(seen.complete());
    }

    @Test
    void streamsBeyondTheBoundAreCountedAndMakeAbsenceUnknown() {
        SeenStreams seen = new SeenStreams();
        List<String> logged = new ArrayList<>();
        seen.reportTo(logged::add);
        for (int i = 0; i < SeenStreams.MAX_STREAMS; i++) {
            seen.decoded("s" + i, event("x", 1));
        }
        assertTrue(seen.complete());
        seen.decoded("one_too_many", event("x", 1));
        seen.decoded("one_too_many", event("x", 1));
        seen.decoded("x".repeat(SeenStreams.MAX_NAME_CHARS + 1), event("x", 1));
        assertEquals(3, seen.untrackedStreams());
        assertFalse(seen.complete());
        assertNull(seen.fields("one_too_many"));
        assertEquals(1, logged.size(), "reported once: " + logged);

        Rule rule = rule("RULE r FROM one_too_many PATTERN a DEFINE a AS x > 1");
        assertEquals(List.of(), RuleWarnings.of(rule, stream -> false, seen), "not kept is not never seen");
    }

    @Test
    void fieldsBeyondTheBoundAreCountedAndSilenceTheStreamsFieldWarnings() {
        SeenStreams seen = new SeenStreams();
        Map<String, Object> wide = new LinkedHashMap<>();
        for (int i = 0; i <= SeenStreams.MAX_FIELDS_PER_STREAM; i++) {
            wide.put("f" + i, i);
        }
        seen.decoded("wide", wide);
        assertEquals(1, seen.untrackedFields());
        assertFalse(seen.fields("wide").complete());
        Rule rule = rule("RULE r FROM wide PATTERN a DEFINE a AS missing > 1");
        assertEquals(List.of(), RuleWarnings.of(rule, stream -> false, seen));

        Map<String, Object> deep = event("leaf", 1);
        for (int i = 0; i < SeenStreams.MAX_DEPTH; i++) {
            deep = event("n", deep);
        }
        seen.decoded("deep", deep);
        assertFalse(seen.fields("deep").complete(), "nested deeper than kept");
        assertTrue(seen.fields("deep").has("n.n.n.n.n.n.n.n"));
    }

    @Test
    void warnsOfStreamsAndFieldsNoEventHadWithTheClosestSeen() {
        SeenStreams seen = new SeenStreams();
        seen.decoded("payments", event("stream", "payments", "amount", 950, "ts", 1));
        assertEquals(List.of("no event has arrived on stream 'paymnts' since the server started; did you mean "
                + "payments?"), RuleWarnings.of(rule("RULE r FROM paymnts PATTERN a DEFINE a AS amount > 1"),
                stream -> false, seen));
        assertEquals(List.of("no event of stream 'payments' has had field 'card'; its events had amount, stream and ts",
                "no event of stream 'payments' has had field 'amont'; did you mean amount?"),
                RuleWarnings.of(rule("RULE r FROM payments PARTITION BY card PATTERN a -> b "
                        + "DEFINE a AS amont > 1, b AS amount > a.amount EMIT c = card"), stream -> false, seen));
        assertEquals(List.of(), RuleWarnings.of(rule("RULE r FROM payments PATTERN a DEFINE a AS amont > 1"),
                stream -> true, seen), "a declared stream is the checker's");
    }

    @Test
    void anEventThatBringsNothingNewAllocatesNothing() {
        SeenStreams seen = new SeenStreams();
        Map<String, Object> event = event("stream", "payments", "card_id", "c1", "amount", 950,
                "device", event("os", "ios", "version", 17), "ts", 1000);
        long allocated = allocatedByKnownEvents(seen, event);
        assertTrue(allocated < 10_000, "100,000 known events allocated " + allocated + " bytes");
    }

    /** The bytes 100,000 decodings of {@code event} allocate, once it is known and the JIT compiled the walk. */
    private static long allocatedByKnownEvents(SeenStreams seen, Map<String, Object> event) {
        seen.decoded("payments", event);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 100_000; i++) {   // warm up: let the JIT compile the walk
            seen.decoded("payments", event);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            seen.decoded("payments", event);
        }
        return threads.getThreadAllocatedBytes(thread) - before;
    }

    @Test
    void compactEventsOfAKnownShapeStillTeachTheirNestedFields() {
        SeenStreams seen = new SeenStreams();
        FieldNames names = FieldNames.of("stream", "device", "ts");
        seen.decoded("payments", names.fields("payments", "phone", 1L));
        seen.decoded("payments", names.fields("payments", event("os", "ios"), 2L));   // same names, now nested
        SeenStreams.Fields fields = seen.fields("payments");
        assertTrue(fields.has("device.os"), "a known shape's nested object is walked");
        seen.decoded("payments", FieldNames.of("stream", "amount").fields("payments", 5L));
        assertTrue(fields.has("amount"), "another shape is walked whole");
        assertEquals(Set.of("stream", "device.os", "ts", "amount"), Set.copyOf(fields.paths()));
    }

    @Test
    void aCompactEventOfAKnownShapeAllocatesNothing() {
        SeenStreams seen = new SeenStreams();
        Map<String, Object> event = FieldNames.of("stream", "card_id", "amount", "device", "ts")
                .fields("payments", "c1", 950L, event("os", "ios"), 1000L);
        long allocated = allocatedByKnownEvents(seen, event);
        assertTrue(allocated < 10_000, "100,000 known compact events allocated " + allocated + " bytes");
    }

    private static Rule rule(String text) {
        return RuleParser.parse("r.cep", text).orThrow().rules().get(0);
    }

    private static Map<String, Object> event(Object... keysAndValues) {
        Map<String, Object> event = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            event.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return event;
    }
}

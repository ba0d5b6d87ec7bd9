package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.Programs;
import dev.vigil.nfa.RuleCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An event visits only the rules it can start and those whose key may hold state ({@link RuleDispatch}): the others
 * look up no key and evaluate no guard, and still count the event, as the guards would have decided. Events whose
 * indexed field is of another kind visit every rule, so evaluation errors are counted as before.
 */
class RuleDispatchTest {
    private static final String RULES = """
            RULE ra FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'A' AND value > 1, y AS type = 'Z';
            RULE rb FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'B', y AS type = 'Z';
            RULE rc FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'C', y AS type = 'Z';
            RULE big FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS value > 50, y AS type = 'Z';
            """;

    private static final String RANGES = """
            RULE ge10 FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'A' AND value >= 10, y AS type = 'Z';
            RULE gt10 FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'A' AND value > 10 AND key <> 'k0', y AS type = 'Z';
            RULE lt10 FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'A' AND value < 10, y AS type = 'Z';
            RULE le10 FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'A' AND value <= 10, y AS type = 'Z';
            RULE gt2_5 FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS type = 'A' AND value > 2.5, y AS type = 'Z';
            RULE first FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
              DEFINE x AS value < 3, y AS type = 'Z';
            """;

    private final List<String> alerts = new ArrayList<>();
    private long sequence;

    @Test
    void anEventAtAKeyHoldingNothingVisitsOnlyTheRulesItCanStart() {
        List<RuleRuntime> rules = runtimes(KeyStorage.heapOfOneEngine());
        RuleDispatch dispatch = RuleDispatch.of(rules, storage);
        dispatch.buffer(event("k1", "A", 5, 1_000), true);
        // ra: indexed under 'A', 5 > 1, a candidate; rb, rc: another string, no lookup; big: 5 is not above 50
        assertEquals(List.of(1L, 0L, 0L, 0L), lookups(rules));
        assertEquals(List.of(1L, 1L, 1L, 1L), eventsIn(rules), "every rule counts the event");
        assertEquals(List.of(1L, 0L, 0L, 0L), keys(rules));

        dispatch.buffer(event("k1", "Z", 5, 1_001), true);   // k1 holds state now: every rule looks
        assertEquals(List.of(2L, 1L, 1L, 1L), lookups(rules));
        dispatch.buffer(event("k2", "Q", 60, 1_002), true);   // a string no rule starts with, a value above 50
        assertEquals(List.of(2L, 1L, 1L, 2L), lookups(rules));
        dispatch.buffer(event("k3", "A", 1, 1_003), true);   // 'A', but not above 1
        assertEquals(List.of(2L, 1L, 1L, 2L), lookups(rules));
        for (RuleRuntime rule : rules) {
            rule.advanceTo(Long.MAX_VALUE);
        }
        assertEquals(List.of("ra k1"), alerts);
    }

    @Test
    void anIndexedFieldOfAnotherKindVisitsEveryRuleAndCountsTheirErrors() {
        List<RuleRuntime> rules = runtimes(KeyStorage.heapOfOneEngine());
        RuleDispatch dispatch = RuleDispatch.of(rules, storage);
        dispatch.buffer(event("k1", 7L, 5, 1_000), true);   // type is a number: 'A', 'B', 'C' compare with it
        assertEquals(List.of(1L, 1L, 1L, 1L), lookups(rules));
        assertEquals(List.of(1L, 1L, 1L, 0L), errors(rules));
        dispatch.buffer(event("k2", null, 55, 1_001), true);   // no type: false without an error, indexed
        assertEquals(List.of(1L, 1L, 1L, 2L), lookups(rules));
        assertEquals(List.of(1L, 1L, 1L, 0L), errors(rules));
    }

    @Test
    void anEventVisitsOnlyTheRangesItsNumberPasses() {
        List<RuleRuntime> rules = runtimes(KeyStorage.heapOfOneEngine(), RANGES);
        RuleDispatch dispatch = RuleDispatch.of(rules, storage);
        // at 'A': ge10 (>= 10), gt10 (> 10), lt10 (< 10), le10 (<= 10), gt2_5 (> 2.5); first: value < 3, any type
        dispatch.buffer(event("k1", "A", 10, 1_000), true);
        assertEquals(List.of(1L, 0L, 0L, 1L, 1L, 0L), lookups(rules));
        dispatch.buffer(event("k2", "A", 2, 1_001), true);
        assertEquals(List.of(1L, 0L, 1L, 2L, 1L, 1L), lookups(rules));
        dispatch.buffer(event("k3", "A", 11.5, 1_002), true);
        assertEquals(List.of(2L, 1L, 1L, 2L, 2L, 1L), lookups(rules));
        dispatch.buffer(event("k4", "A", Double.NaN, 1_003), true);   // above and below nothing, no error
        assertEquals(List.of(2L, 1L, 1L, 2L, 2L, 1L), lookups(rules));
        dispatch.buffer(event("k5", "B", 1, 1_004), true);   // only first
        assertEquals(List.of(2L, 1L, 1L, 2L, 2L, 2L), lookups(rules));
        dispatch.buffer(event("k6", "A", null, 1_005), true);   // no value: no range passes, no error
        assertEquals(List.of(2L, 1L, 1L, 2L, 2L, 2L), lookups(rules));
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L), errors(rules));
        dispatch.buffer(event("k7", "A", "ten", 1_006), true);   // a string against numbers: every range tries it
        assertEquals(List.of(3L, 2L, 2L, 3L, 3L, 3L), lookups(rules));
        assertEquals(List.of(1L, 1L, 1L, 1L, 1L, 1L), errors(rules));
        assertEquals(List.of(7L, 7L, 7L, 7L, 7L, 7L), eventsIn(rules), "every rule counts every event");
        assertEquals(List.of(2L, 1L, 1L, 2L, 2L, 2L), keys(rules));
    }

    @Test
    void aSerializedStoreKeepsNoPresenceAndDispatchesNothing() {
        assertEquals(null, RuleDispatch.of(List.of(), KeyStorage.serialized(new dev.vigil.nfa.MemoryKeyStore(),
                dev.vigil.nfa.state.KeyStateCodec::new)));
    }

    private KeyStorage storage;

    private List<RuleRuntime> runtimes(KeyStorage heap) {
        return runtimes(heap, RULES);
    }

    private List<RuleRuntime> runtimes(KeyStorage heap, String text) {
        storage = heap;
        CompileResult compiled = RuleCompiler.compile("dispatch.cep", text);
        assertTrue(compiled.ok(), compiled.diagnostics().toString());
        StreamClock clock = new StreamClock("events", 0);
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert.rule() + " " + alert.key());
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError(late.reason());
            }
        };
        List<RuleRuntime> rules = new ArrayList<>();
        for (CompiledRule rule : compiled.rules()) {
            RuleRuntime runtime = new RuleRuntime(rule, Programs.of(rule), 10_000,
                    EngineConfig.DEFAULT_MAX_WORK_PER_EVENT, KeySlice.ALL, listener, heap, KeyBudget.unbounded());
            runtime.readFrom(List.of(clock));
            rules.add(runtime);
        }
        this.clock = clock;
        return rules;
    }

    private StreamClock clock;

    private Event event(String key, Object type, Object value, long ts) {
        clock.observe(ts);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        if (type != null) {
            fields.put("type", type);
        }
        if (value != null) {
            fields.put("value", value);
        }
        return new Event("events", ts, ++sequence, fields);
    }

    private static List<Long> lookups(List<RuleRuntime> rules) {
        List<Long> counts = new ArrayList<>();
        for (RuleRuntime rule : rules) {
            counts.add(((HeapKeyStore) rule.keys).lookups);
        }
        return counts;
    }

    private static List<Long> eventsIn(List<RuleRuntime> rules) {
        return rules.stream().map(rule -> rule.counters().eventsIn()).toList();
    }

    private static List<Long> keys(List<RuleRuntime> rules) {
        return rules.stream().map(rule -> rule.counters().keys()).toList();
    }

    private static List<Long> errors(List<RuleRuntime> rules) {
        return rules.stream().map(rule -> rule.counters().evaluationErrors()).toList();
    }
}

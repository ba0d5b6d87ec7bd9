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

    private final List<String> alerts = new ArrayList<>();
    private long sequence;

    @Test
    void anEventAtAKeyHoldingNothingVisitsOnlyTheRulesItCanStart() {
        List<RuleRuntime> rules = runtimes(KeyStorage.heapOfOneEngine());
        RuleDispatch dispatch = RuleDispatch.of(rules, storage);
        dispatch.buffer(event("k1", "A", 5, 1_000), true);
        // ra: indexed under 'A', a candidate; rb, rc: another string, no lookup; big: not indexed, tried
        assertEquals(List.of(1L, 0L, 0L, 1L), lookups(rules));
        assertEquals(List.of(1L, 1L, 1L, 1L), eventsIn(rules), "every rule counts the event");
        assertEquals(List.of(1L, 0L, 0L, 0L), keys(rules));

        dispatch.buffer(event("k1", "Z", 5, 1_001), true);   // k1 holds state now: every rule looks
        assertEquals(List.of(2L, 1L, 1L, 2L), lookups(rules));
        dispatch.buffer(event("k2", "Q", 5, 1_002), true);   // a string no rule starts with
        assertEquals(List.of(2L, 1L, 1L, 3L), lookups(rules));
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
        dispatch.buffer(event("k2", null, 5, 1_001), true);   // no type: false without an error, indexed
        assertEquals(List.of(1L, 1L, 1L, 2L), lookups(rules));
        assertEquals(List.of(1L, 1L, 1L, 0L), errors(rules));
    }

    @Test
    void aSerializedStoreKeepsNoPresenceAndDispatchesNothing() {
        assertEquals(null, RuleDispatch.of(List.of(), KeyStorage.serialized(new dev.vigil.nfa.MemoryKeyStore(),
                dev.vigil.nfa.state.KeyStateCodec::new)));
    }

    private KeyStorage storage;

    private List<RuleRuntime> runtimes(KeyStorage heap) {
        storage = heap;
        CompileResult compiled = RuleCompiler.compile("dispatch.cep", RULES);
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

    private Event event(String key, Object type, long value, long ts) {
        clock.observe(ts);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        if (type != null) {
            fields.put("type", type);
        }
        fields.put("value", value);
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

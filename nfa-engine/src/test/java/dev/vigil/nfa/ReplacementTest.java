package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.state.SnapshotChain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one replacement policy ({@code dev.vigil.nfa.state.Replacement}), through both ways a rule is replaced: a new
 * version whose pattern, conditions, key and streams are unchanged keeps the partial matches; any other change
 * drops them and counts them in {@code partialMatchesDroppedOnReplace}. Deploying into a running engine and
 * restoring a snapshot with the new version have the same outcome.
 */
class ReplacementTest {
    /** {@code a} waits for {@code b} of the same key; the examples of docs/semantics.md. */
    private static final String A_THEN_B = """
            RULE pair SEVERITY low FROM events PARTITION BY key
              PATTERN a -> b WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B'
              EMIT first = a.value
              ON TIMEOUT EMIT started = a.value
            """;
    private static final String SEVERITY_HIGH = A_THEN_B.replace("SEVERITY low", "SEVERITY high");
    private static final String NEW_EMIT = A_THEN_B.replace("EMIT first = a.value", "EMIT opened = a.value * 10")
            .replace("ON TIMEOUT EMIT started", "ON TIMEOUT EMIT abandoned");
    private static final String B_CHANGED = A_THEN_B.replace("b AS type = 'B'", "b AS type = 'B' AND value > 0");
    private static final String PATTERN_CHANGED = A_THEN_B.replace("a -> b", "a b");
    private static final String KEY_CHANGED = A_THEN_B.replace("PARTITION BY key", "PARTITION BY type");

    private long sequence;

    private static CompiledRule compile(String text, int version) {
        CompileResult result = RuleCompiler.compile("replace.cep", text);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules().get(0).withVersion(version);
    }

    private Event event(String key, String type, long value, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", value);
        return new Event("events", ts, ++sequence, fields);
    }

    /** An engine of version 1 where keys k1 and k2 each hold a waiting {@code a}; always the same events. */
    private Engine twoWaitingAs(EngineTest.Recorder out) {
        sequence = 0;
        Engine engine = new Engine(List.of(compile(A_THEN_B, 1)), EngineConfig.defaults(), out);
        engine.offer(event("k1", "A", 1, 1_000));
        engine.offer(event("k2", "A", 2, 1_100));
        engine.offer(event("k3", "X", 3, 1_200));   // the watermark (1_199) passes both a's
        assertEquals(2, counters(engine).partialMatches());
        return engine;
    }

    private static RuleCounters counters(Engine engine) {
        return engine.counters().rules().get(0);
    }

    @Test
    void aSeverityOnlyChangeKeepsAWaitingForB() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = twoWaitingAs(out);
        engine.deploy(compile(SEVERITY_HIGH, 2));
        assertEquals(2, counters(engine).partialMatches(), "version 2 took over both a's");
        assertEquals(0, counters(engine).partialMatchesDroppedOnReplace());
        assertEquals(3, counters(engine).eventsIn(), "counters go on from version 1");

        engine.offer(event("k1", "B", 4, 1_300));
        engine.finish();
        assertEquals(List.of("match k1: a=1 b=4", "timeout k2: a=2"), out.summary());
        for (Alert alert : out.alerts) {
            assertEquals("high", alert.severity(), alert.toString());
            assertEquals(2, alert.version(), alert.toString());
        }
        assertEquals(1_100 + 10_000, out.alerts.get(1).timeoutAt(), "k2's WITHIN timer came over with its a");
    }

    @Test
    void aChangedEmitKeepsThePartialMatchesAndShapesTheAlertsAnew() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = twoWaitingAs(out);
        engine.deploy(compile(NEW_EMIT, 2));
        engine.offer(event("k1", "B", 4, 1_300));
        engine.finish();
        assertEquals(List.of("match k1: a=1 b=4", "timeout k2: a=2"), out.summary());
        assertEquals(Map.of("opened", 10L), out.alerts.get(0).fields());
        assertEquals(Map.of("abandoned", 2L), out.alerts.get(1).fields());
    }

    @Test
    void aChangedConditionDropsThePartialMatchesAndCountsThem() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = twoWaitingAs(out);
        engine.deploy(compile(B_CHANGED, 2));
        assertEquals(0, counters(engine).partialMatches());
        assertEquals(2, counters(engine).partialMatchesDroppedOnReplace(), "k1's and k2's a");
        assertEquals(1, counters(engine).eventsIn(), "a new version counts from zero, and x=3 still waited");

        engine.offer(event("k1", "B", 4, 1_300));
        engine.finish();
        assertEquals(List.of(), out.summary(), "b=4 finds no a, and the dropped a's never time out");
    }

    @Test
    void aChangedPatternOrKeyDropsThePartialMatchesAndCountsThem() {
        for (String changed : List.of(PATTERN_CHANGED, KEY_CHANGED)) {
            EngineTest.Recorder out = new EngineTest.Recorder();
            Engine engine = twoWaitingAs(out);
            engine.deploy(compile(changed, 2));
            assertEquals(2, counters(engine).partialMatchesDroppedOnReplace(), changed);
            engine.finish();
            assertEquals(List.of(), out.summary(), changed);
        }
    }

    @Test
    void droppedPartialMatchesAreCountedAcrossReplacementsUntilAVersionStartsAfresh() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = twoWaitingAs(out);
        engine.deploy(compile(B_CHANGED, 2));
        engine.offer(event("k1", "A", 5, 2_000));
        engine.offer(event("k3", "X", 6, 2_100));
        engine.deploy(compile(B_CHANGED.replace("SEVERITY low", "SEVERITY high"), 3));
        assertEquals(2, counters(engine).partialMatchesDroppedOnReplace(), "version 3 kept version 2's count");
        assertEquals(1, counters(engine).partialMatches(), "and its a=5");
        engine.deploy(compile(A_THEN_B, 4));
        assertEquals(1, counters(engine).partialMatchesDroppedOnReplace(), "version 4 dropped a=5");
    }

    @Test
    void aSeverityOnlyChangeThroughARestoreKeepsAWaitingForB() {
        byte[] bytes = SnapshotChain.snapshot(twoWaitingAs(new EngineTest.Recorder()));
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine.Restored restored = SnapshotChain.restore(List.of(compile(SEVERITY_HIGH, 2)), EngineConfig.defaults(),
                out, bytes);
        assertEquals(List.of(), restored.reset());
        Engine engine = restored.engine();
        assertEquals(2, counters(engine).partialMatches());
        assertEquals(0, counters(engine).partialMatchesDroppedOnReplace());
        engine.offer(event("k1", "B", 4, 1_300));
        engine.finish();
        assertEquals(List.of("match k1: a=1 b=4", "timeout k2: a=2"), out.summary());
        assertEquals("high", out.alerts.get(0).severity());
    }

    @Test
    void aChangedConditionThroughARestoreDropsThePartialMatchesAndCountsThem() {
        byte[] bytes = SnapshotChain.snapshot(twoWaitingAs(new EngineTest.Recorder()));
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine.Restored restored = SnapshotChain.restore(List.of(compile(B_CHANGED, 2)), EngineConfig.defaults(),
                out, bytes);
        assertEquals(List.of(new RuleReset("pair", "its conditions changed since the snapshot")), restored.reset());
        Engine engine = restored.engine();
        assertEquals(0, counters(engine).partialMatches());
        assertEquals(2, counters(engine).partialMatchesDroppedOnReplace());
        engine.offer(event("k1", "B", 4, 1_300));
        engine.finish();
        assertEquals(List.of(), out.summary());
    }

    @Test
    void theCountOfDroppedPartialMatchesIsPartOfTheSnapshot() {
        Engine engine = twoWaitingAs(new EngineTest.Recorder());
        engine.deploy(compile(B_CHANGED, 2));
        byte[] bytes = SnapshotChain.snapshot(engine);
        Engine restored = SnapshotChain.restore(List.of(compile(B_CHANGED, 2)), EngineConfig.defaults(),
                new EngineTest.Recorder(), bytes).engine();
        assertEquals(2, counters(restored).partialMatchesDroppedOnReplace());
    }

    /**
     * The same replacement, once deployed into the running engine and once restored across a snapshot: the same
     * alerts (ids included) and the same counters afterwards, whether the partial matches were kept or dropped.
     */
    @Test
    void deployingAndRestoringTheSameReplacementHaveTheSameOutcome() {
        for (String next : List.of(SEVERITY_HIGH, NEW_EMIT, B_CHANGED, PATTERN_CHANGED)) {
            EngineTest.Recorder deployed = new EngineTest.Recorder();
            Engine running = twoWaitingAs(deployed);
            running.deploy(compile(next, 2));
            EngineTest.Recorder restored = new EngineTest.Recorder();
            Engine fromSnapshot = SnapshotChain.restore(List.of(compile(next, 2)), EngineConfig.defaults(), restored,
                    SnapshotChain.snapshot(twoWaitingAs(new EngineTest.Recorder()))).engine();
            for (Engine engine : List.of(running, fromSnapshot)) {
                sequence = 100;   // the same three events for both
                engine.offer(event("k1", "B", 4, 1_300));
                engine.offer(event("k2", "A", 5, 1_400));
                engine.offer(event("k2", "B", 6, 1_500));
                engine.finish();
            }
            assertEquals(deployed.alerts.toString(), restored.alerts.toString(), next);   // events by value
            assertEquals(running.counters(), fromSnapshot.counters(), next);
        }
    }
}

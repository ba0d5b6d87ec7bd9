package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.state.SnapshotChain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code SUPPRESS FOR d}: at most one alert per rule and key in any {@code d} of event time, the period starting at
 * the emitted alert's time (a match's last event, a timeout's expiry); suppressed alerts are counted, not emitted,
 * and survive snapshots and replacements.
 */
class SuppressTest {
    private static final long MINUTE = 60_000;
    /** Every event of type A is an alert. */
    private static final String EVERY_A = """
            RULE spike FROM events PARTITION BY key
              PATTERN a
              DEFINE a AS type = 'A'
              EMIT v = a.value
              SUPPRESS FOR 30 MINUTES
            """;

    private long sequence;

    private static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("suppress.cep", text);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules();
    }

    private Event event(String key, String type, long value, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", value);
        return new Event("events", ts, ++sequence, fields);
    }

    @Test
    void oneAlertPerKeyPerPeriodStartingAtTheEmittedAlert() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile(EVERY_A), EngineConfig.defaults(), out);
        engine.offer(event("k1", "A", 1, 0));
        engine.offer(event("k2", "A", 2, 5 * MINUTE));          // another key: its own period
        engine.offer(event("k1", "A", 3, 10 * MINUTE));         // suppressed: within k1's period (0 .. 30)
        engine.offer(event("k1", "A", 4, 30 * MINUTE - 1));     // suppressed: the period's last millisecond
        engine.offer(event("k1", "A", 5, 30 * MINUTE));         // emitted: a new period (30 .. 60)
        engine.offer(event("k1", "A", 6, 59 * MINUTE));         // suppressed: a suppressed alert (10) did not extend
        engine.offer(event("k1", "A", 7, 60 * MINUTE));         // emitted
        engine.finish();
        assertEquals(List.of("match k1: a=1", "match k2: a=2", "match k1: a=5", "match k1: a=7"), out.summary());
        RuleCounters counters = engine.counters().rules().get(0);
        assertEquals(4, counters.matches(), "matches count the alerts emitted");
        assertEquals(3, counters.suppressedAlerts());
    }

    @Test
    void matchesAndTimeoutsShareThePeriodAtTheirOwnTimes() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile("""
                RULE unanswered FROM events PARTITION BY key
                  PATTERN a -> b WITHIN 10 MINUTES
                  DEFINE a AS type = 'A', b AS type = 'B'
                  ON TIMEOUT EMIT v = a.value
                  SUPPRESS FOR 30 MINUTES
                """), EngineConfig.defaults(), out);
        engine.offer(event("k", "A", 1, 0));                // times out at 10: emitted (its time is 10)
        engine.offer(event("k", "A", 2, 15 * MINUTE));      // answered at 16: a match at 16, suppressed (10 + 30)
        engine.offer(event("k", "B", 3, 16 * MINUTE));
        engine.offer(event("k", "A", 4, 35 * MINUTE));      // times out at 45: emitted (>= 40)
        engine.finish();
        assertEquals(List.of("timeout k: a=1", "timeout k: a=4"), out.summary());
        assertEquals(10 * MINUTE, out.alerts.get(0).timeoutAt());
        assertEquals(1, engine.counters().rules().get(0).suppressedAlerts());
    }

    /** Random keys and times, the engine cut by snapshots at random: the same alerts and counters as unbroken. */
    @Test
    void aRestoredEngineSuppressesAsOneThatNeverStopped() {
        List<CompiledRule> rules = compile(EVERY_A.replace("30 MINUTES", "40 MILLISECONDS"));
        Random random = new Random(7);
        List<SnapshotChain.Step> steps = new ArrayList<>();
        long clock = 0;
        for (int i = 0; i < 2_000; i++) {
            clock += random.nextInt(3);
            steps.add(new SnapshotChain.Offer(event("k" + random.nextInt(20), random.nextInt(3) == 0 ? "B" : "A", i,
                    clock)));
        }
        SnapshotChain.Outcome straight = SnapshotChain.straight(rules, EngineConfig.defaults(), steps);
        SnapshotChain.Outcome chained = SnapshotChain.chained(rules, EngineConfig.defaults(), steps, 7, 0.02);
        assertTrue(straight.counters().rules().get(0).suppressedAlerts() > 500, "the input should suppress");
        assertTrue(chained.snapshots() > 20);
        assertEquals(straight.transcript(), chained.transcript());
        assertEquals(straight.counters(), chained.counters());
    }

    @Test
    void aNewVersionOfTheRuleKeepsThePeriodsUnderWay() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile(EVERY_A), EngineConfig.defaults(), out);
        engine.offer(event("k1", "A", 1, 0));
        engine.deploy(compile(EVERY_A.replace("a AS type = 'A'", "a AS type = 'A' AND value > 0")).get(0)
                .withVersion(2));   // changed conditions: partial matches dropped, the period kept
        engine.offer(event("k1", "A", 2, 10 * MINUTE));
        engine.offer(event("k1", "A", 3, 31 * MINUTE));
        engine.finish();
        assertEquals(List.of("match k1: a=1", "match k1: a=3"), out.summary());
    }

    @Test
    void aKeyedHostRefusesASuppressingRule() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> new KeyedRule(compile(EVERY_A).get(0), EngineConfig.defaults(), new EngineTest.Recorder()));
        assertTrue(thrown.getMessage().contains("SUPPRESS FOR"), thrown.getMessage());
    }
}

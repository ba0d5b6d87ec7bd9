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
 * Windowed aggregates, {@code f(x) OVER (LAST d)}: over the key's events of the rule's streams in {@code [t - d, t]},
 * the current event included, whether or not a match binds them; in snapshots; with a bound per key.
 */
class WindowedAggregateTest {
    private static final long MINUTE = 60_000;
    /** Five or more payments of a card within ten minutes: one stage, no loop. */
    private static final String VELOCITY = """
            RULE velocity FROM payments PARTITION BY card
              PATTERN p
              DEFINE p AS COUNT(*) OVER (LAST 10 MINUTES) >= 5
              EMIT n = p.amount
            """;

    private long sequence;

    private static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("windowed.cep", text);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules();
    }

    private Event payment(String card, String type, Object amount, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("card", card);
        fields.put("type", type);
        fields.put("amount", amount);
        return new Event("payments", ts, ++sequence, fields);
    }

    /** The amounts of the alerts' single variable, as "key:amount". */
    private static List<String> alerts(EngineTest.Recorder out) {
        List<String> lines = new ArrayList<>();
        for (Alert alert : out.alerts) {
            lines.add(alert.key() + ":" + alert.events().values().iterator().next().get(0).field("amount"));
        }
        return lines;
    }

    @Test
    void countOverTheLastTenMinutesIncludesTheCurrentEventAndBothEnds() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile(VELOCITY), EngineConfig.defaults(), out);
        engine.offer(payment("c1", "x", 1L, 0));
        engine.offer(payment("c1", "x", 2L, MINUTE));
        engine.offer(payment("c2", "x", 90L, 2 * MINUTE));          // another card: its own window
        engine.offer(payment("c1", "x", 3L, 3 * MINUTE));
        engine.offer(payment("c1", "x", 4L, 4 * MINUTE));
        engine.offer(payment("c1", "x", 5L, 10 * MINUTE));          // 0 .. 10 holds five, 0 included: alert
        engine.offer(payment("c1", "x", 6L, 10 * MINUTE + 1));      // 0 has left (1 .. 10:00.001): still five
        engine.offer(payment("c1", "x", 7L, 30 * MINUTE));          // alone again
        engine.finish();
        assertEquals(List.of("c1:5", "c1:6"), alerts(out));
    }

    /** The example of the issue: a payment above three times the card's average of the last hour, itself included. */
    @Test
    void avgOverTheLastHourAgainstTheCurrentValue() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile("""
                RULE spike FROM payments PARTITION BY card
                  PATTERN big
                  DEFINE big AS amount > 3 * AVG(amount) OVER (LAST 1 HOUR)
                """), EngineConfig.defaults(), out);
        engine.offer(payment("c", "x", 10L, 0));
        engine.offer(payment("c", "x", 10L, MINUTE));
        engine.offer(payment("c", "x", 10L, 2 * MINUTE));
        engine.offer(payment("c", "x", 10.5, 3 * MINUTE));
        engine.offer(payment("c", "x", 100L, 4 * MINUTE));         // avg (10+10+10+10.5+100)/5 = 28.1: 100 > 84.3
        engine.offer(payment("c", "x", 90L, 5 * MINUTE));          // avg 38.4: 90 < 115.2
        engine.offer(payment("c", "x", null, 6 * MINUTE));         // no amount: not in the average, no match
        engine.offer(payment("c", "x", 500L, 3 * 60 * MINUTE));    // alone in its hour: 500 > 1500 is false
        engine.finish();
        assertEquals(List.of("c:100"), alerts(out));
    }

    @Test
    void sumMinMaxAndCountOfAField() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile("""
                RULE all FROM payments PARTITION BY card
                  PATTERN p
                  DEFINE p AS SUM(amount) OVER (LAST 5 SECONDS) = 6 AND MIN(amount) OVER (LAST 5 SECONDS) = 1
                      AND MAX(amount) OVER (LAST 5 SECONDS) = 3 AND COUNT(amount) OVER (LAST 5 SECONDS) = 3
                """), EngineConfig.defaults(), out);
        engine.offer(payment("c", "x", 1L, 1_000));
        engine.offer(payment("c", "x", null, 2_000));
        engine.offer(payment("c", "x", 2L, 3_000));
        engine.offer(payment("c", "x", 3L, 4_000));
        engine.finish();
        assertEquals(List.of("c:3"), alerts(out));
    }

    /**
     * The window holds every event of the key, also those that start nothing: the rule is never spared one, also
     * beside other rules whose starts the engine indexes (with heap state, which keeps the key presence).
     */
    @Test
    void eventsThatStartNothingStillCountInTheWindow() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile("""
                RULE indexed FROM payments PARTITION BY card
                  PATTERN a
                  DEFINE a AS type = 'refund';

                RULE third FROM payments PARTITION BY card
                  PATTERN w
                  DEFINE w AS type = 'withdrawal' AND COUNT(*) OVER (LAST 1 MINUTE) >= 3
                """), EngineConfig.defaults(), out);
        engine.offer(payment("c", "purchase", 1L, 1_000));
        engine.offer(payment("c", "purchase", 2L, 2_000));
        engine.offer(payment("c", "withdrawal", 3L, 3_000));
        engine.offer(payment("d", "withdrawal", 4L, 3_500));
        engine.finish();
        assertEquals(List.of("c:3"), alerts(out));
    }

    /** A flood of events on one key keeps the newest ones up to the bound, and counts the others. */
    @Test
    void theEventsKeptPerKeyAreBoundedAndTheEvictionsCounted() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile("""
                RULE flood FROM payments PARTITION BY card
                  PATTERN p
                  DEFINE p AS COUNT(*) OVER (LAST 1 HOUR) >= 10000
                """), EngineConfig.defaults(), out);
        int n = 10_050;
        for (int i = 0; i < n; i++) {
            engine.offer(payment("c", "x", (long) i, i));
        }
        engine.finish();
        assertEquals(n - 9_999, out.alerts.size());
        assertEquals(50, engine.counters().rules().get(0).windowEventsEvicted());
    }

    /** Random cards and times, the engine cut by snapshots at random: the same alerts and counters as unbroken. */
    @Test
    void aRestoredEngineAggregatesAsOneThatNeverStopped() {
        List<CompiledRule> rules = compile("""
                RULE velocity FROM payments PARTITION BY card
                  PATTERN p
                  DEFINE p AS COUNT(*) OVER (LAST 30 MILLISECONDS) >= 4
                      AND amount > AVG(amount) OVER (LAST 50 MILLISECONDS)
                """);
        Random random = new Random(11);
        List<SnapshotChain.Step> steps = new ArrayList<>();
        long clock = 0;
        for (int i = 0; i < 3_000; i++) {
            clock += random.nextInt(3);
            steps.add(new SnapshotChain.Offer(payment("c" + random.nextInt(8), "x", (long) random.nextInt(100),
                    clock - random.nextInt(3))));
        }
        EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(3);
        SnapshotChain.Outcome straight = SnapshotChain.straight(rules, config, steps);
        SnapshotChain.Outcome chained = SnapshotChain.chained(rules, config, steps, 11, 0.02);
        assertTrue(straight.alerts() > 300, "the input should alert, made " + straight.alerts());
        assertTrue(chained.snapshots() > 20);
        assertEquals(straight.transcript(), chained.transcript());
        assertEquals(straight.counters(), chained.counters());
    }

    @Test
    void aKeyedHostRefusesAWindowedRule() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> new KeyedRule(compile(VELOCITY).get(0), EngineConfig.defaults(), new EngineTest.Recorder()));
        assertTrue(thrown.getMessage().contains("OVER"), thrown.getMessage());
    }
}

package dev.vigil.nfa.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCompiler;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The snapshot contract: an engine restored from a snapshot taken after any prefix of the input, fed the rest,
 * reports exactly what the uninterrupted engine reports (alerts with their ids, in order, late events, dropped
 * partial matches) and ends with the same counters; and a restored engine snapshots to the same bytes.
 */
class EngineSnapshotTest {
    /**
     * Realistic rules over two streams, covering windows, absences, timeouts, skips, loops, keys, suppression and
     * windowed aggregates.
     */
    static final String RULES = """
            RULE abc FROM s1 PARTITION BY key
              PATTERN a -> b+ -> c WITHIN 40 MILLISECONDS
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
              EMIT first = a.value, n = COUNT(b), meta = a.meta, amount = c.amount
              ON TIMEOUT EMIT started = a.value, meta = a.meta;

            RULE silence FROM s1 PARTITION BY key
              PATTERN x -> !y WITHIN 30 MILLISECONDS
              DEFINE x AS type = 'D', y AS type = 'E'
              EMIT v = x.value;

            RULE unless FROM s1 PARTITION BY key
              PATTERN x -> !y -> z WITHIN 50 MILLISECONDS
              DEFINE x AS type = 'A', y AS type = 'E', z AS type = 'C';

            RULE pairs FROM s1 PARTITION BY key
              PATTERN a ->> b WITHIN 30 MILLISECONDS
              DEFINE a AS type = 'A', b AS type = 'B'
              AFTER MATCH SKIP NO SKIP;

            RULE burst FROM s1 PARTITION BY key
              PATTERN low{2,} high WITHIN 60 MILLISECONDS
              DEFINE low AS value < 5, high AS value >= 5
              AFTER MATCH SKIP TO NEXT EVENT;

            RULE loose FROM s1 PARTITION BY key
              PATTERN a c? b* GREEDY d WITHIN 40 MILLISECONDS
              DEFINE a AS type = 'A', b AS value > 3, c AS type = 'C', d AS type = 'D'
              AFTER MATCH SKIP TO FIRST b;

            RULE rising FROM s1 PARTITION BY key
              PATTERN a b+ WITHIN 50 MILLISECONDS
              DEFINE b AS value > a.value AND value >= COALESCE(LAST(b.value), 0)
              EMIT top = LAST(b.value)
              ON TIMEOUT EMIT bottom = a.value;

            RULE takeover FROM s1, s2 PARTITION BY key
              PATTERN login -> big WITHIN 30 MILLISECONDS
              DEFINE login AS s1(type = 'A'), big AS s2(value > 6)
              ON TIMEOUT EMIT who = login.key;

            RULE everyone FROM s2
              PATTERN p q
              DEFINE p AS value > 5, q AS value < 3;

            RULE gaps FROM s1 PARTITION BY key
              PATTERN a -> b -> c WITHIN 10 MILLISECONDS BETWEEN EVENTS
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
              ON TIMEOUT EMIT x = a.value;

            RULE composite FROM s1 PARTITION BY key, type
              PATTERN x y
              DEFINE x AS value < 3
              AFTER MATCH SKIP PAST LAST EVENT;

            RULE quiet FROM s1 PARTITION BY key
              PATTERN a b
              DEFINE a AS value > 4, b AS value > 4
              EMIT v = b.value
              SUPPRESS FOR 15 MILLISECONDS;

            RULE quietTimeouts FROM s1 PARTITION BY key
              PATTERN a -> b WITHIN 8 MILLISECONDS
              DEFINE a AS type = 'B', b AS type = 'D'
              ON TIMEOUT EMIT started = a.value
              SUPPRESS FOR 20 MILLISECONDS;

            RULE busy FROM s1, s2 PARTITION BY key
              PATTERN a -> b WITHIN 20 MILLISECONDS
              DEFINE a AS COUNT(*) OVER (LAST 10 MILLISECONDS) >= 3,
                b AS value > AVG(value) OVER (LAST 15 MILLISECONDS) AND MAX(value) OVER (LAST 5 MILLISECONDS) < 9;
            """;

    static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("snapshot-test.cep", text);
        assertTrue(result.ok(), () -> "rules do not compile: " + result.diagnostics());
        return result.rules();
    }

    /**
     * A seeded input: events of six keys on two streams, out of order within {@code delayMs}, a few late ones,
     * explicit watermarks now and then; field values of every JSON type, and a few of the other number types
     * decoders may give (Integer, BigDecimal), nested maps and lists, text beyond ASCII.
     */
    static List<SnapshotChain.Step> input(long seed, int count, long delayMs, boolean processingTime) {
        Random random = new Random(seed);
        List<SnapshotChain.Step> steps = new ArrayList<>();
        long clock = 1_000;
        long sequence = 0;
        String[] types = {"A", "B", "C", "D", "E"};
        for (int i = 0; i < count; i++) {
            clock += random.nextInt(4);
            long ts = clock - (delayMs == 0 ? 0 : random.nextInt((int) delayMs + 1));
            if (random.nextInt(40) == 0) {
                ts -= 100;   // late
            }
            String stream = random.nextInt(4) == 0 ? "s2" : "s1";
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("stream", stream);
            fields.put("key", "k" + random.nextInt(6));
            fields.put("type", types[random.nextInt(types.length)]);
            fields.put("value", (long) random.nextInt(10));
            fields.put("ts", ts);
            if (random.nextInt(3) == 0) {
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("n", random.nextInt(100));
                meta.put("ratio", random.nextDouble());
                meta.put("tags", List.of("é", "\ud83d\ude00", "x" + random.nextInt(3)));
                meta.put("none", null);
                meta.put("ok", random.nextBoolean());
                fields.put("meta", meta);
            }
            if (random.nextInt(4) == 0) {
                fields.put("amount", new BigDecimal(random.nextInt(100_000)).movePointLeft(2));
            }
            if (processingTime && random.nextInt(3) == 0) {
                steps.add(new SnapshotChain.ProcessingTime(clock + random.nextInt(5)));
            }
            steps.add(new SnapshotChain.Offer(new Event(stream, ts, sequence++, fields)));
            if (!processingTime && random.nextInt(25) == 0) {
                steps.add(random.nextBoolean() ? new SnapshotChain.Watermark(clock - delayMs - 2)
                        : new SnapshotChain.StreamWatermark("s2", clock - delayMs));
            }
        }
        return steps;
    }

    static List<Long> seeds() {
        return List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void restoredChainReportsWhatTheUninterruptedEngineReports(long seed) {
        List<CompiledRule> rules = compile(RULES);
        EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(seed % 3 * 3);
        List<SnapshotChain.Step> steps = input(seed, 600, config.defaultWatermarkDelayMs(), false);

        SnapshotChain.Outcome straight = SnapshotChain.straight(rules, config, steps);
        SnapshotChain.Outcome chained = SnapshotChain.chained(rules, config, steps, seed, 0.05);

        assertTrue(straight.alerts() > 50, "the input should make many alerts, made " + straight.alerts());
        assertTrue(chained.snapshots() > 10, "the chain should be cut often, was cut " + chained.snapshots());
        assertEquals(straight.transcript(), chained.transcript());
        assertEquals(straight.counters(), chained.counters());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void restoredChainHoldsWithATightPartialMatchBound(long seed) {
        List<CompiledRule> rules = compile(RULES);
        EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(2).withMaxPartialMatchesPerKey(3);
        List<SnapshotChain.Step> steps = input(seed + 100, 400, 2, false);

        SnapshotChain.Outcome straight = SnapshotChain.straight(rules, config, steps);
        SnapshotChain.Outcome chained = SnapshotChain.chained(rules, config, steps, seed, 0.1);

        assertTrue(straight.transcript().stream().anyMatch(line -> line.startsWith("dropped ")),
                "the bound should trip");
        assertEquals(straight.transcript(), chained.transcript());
        assertEquals(straight.counters(), chained.counters());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void restoredChainHoldsInProcessingTime(long seed) {
        List<CompiledRule> rules = compile(RULES);
        EngineConfig config = EngineConfig.defaults().withTimeMode(EngineConfig.TimeMode.PROCESSING);
        List<SnapshotChain.Step> steps = input(seed + 200, 400, 0, true);

        SnapshotChain.Outcome straight = SnapshotChain.straight(rules, config, steps);
        SnapshotChain.Outcome chained = SnapshotChain.chained(rules, config, steps, seed, 0.1);

        assertTrue(straight.alerts() > 20, "the input should make alerts, made " + straight.alerts());
        assertEquals(straight.transcript(), chained.transcript());
        assertEquals(straight.counters(), chained.counters());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void restoredChainHoldsForOneSliceOfTheKeys(long seed) {
        List<CompiledRule> rules = compile(RULES);
        EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(3).withSlice(new KeySlice(1, 3));
        List<SnapshotChain.Step> steps = input(seed + 300, 400, 3, false);

        SnapshotChain.Outcome straight = SnapshotChain.straight(rules, config, steps);
        SnapshotChain.Outcome chained = SnapshotChain.chained(rules, config, steps, seed, 0.1);

        assertEquals(straight.transcript(), chained.transcript());
        assertEquals(straight.counters(), chained.counters());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void slicedSnapshotsEqualTheSnapshotOfTheirStart(long seed) {
        List<CompiledRule> rules = compile(RULES);
        EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(seed % 3 * 3);
        List<SnapshotChain.Step> steps = input(seed + 400, 800, config.defaultWatermarkDelayMs(), false);

        SnapshotChain.Outcome sliced = SnapshotChain.sliced(rules, config, config, steps, seed, 0.1);

        assertTrue(sliced.snapshots() > 5, "sliced snapshots should complete, " + sliced.snapshots() + " did");
        assertEquals(SnapshotChain.straight(rules, config, steps).transcript(), sliced.transcript());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void slicedSnapshotsEqualTheSnapshotOfTheirStartInProcessingTime(long seed) {
        List<CompiledRule> rules = compile(RULES);
        EngineConfig config = EngineConfig.defaults().withTimeMode(EngineConfig.TimeMode.PROCESSING);
        List<SnapshotChain.Step> steps = input(seed + 500, 400, 0, true);

        SnapshotChain.Outcome sliced = SnapshotChain.sliced(rules, config, config, steps, seed, 0.1);

        assertTrue(sliced.snapshots() > 5, "sliced snapshots should complete, " + sliced.snapshots() + " did");
    }

    @Test
    void rulesDoNotChangeWhileASnapshotIsWritten() throws Exception {
        List<CompiledRule> rules = compile(RULES);
        SnapshotChain.Transcript transcript = new SnapshotChain.Transcript();
        try (Engine engine = new Engine(rules, EngineConfig.defaults(), transcript)) {
            for (SnapshotChain.Step step : input(9, 200, 0, false)) {
                SnapshotChain.apply(engine, step);
            }
            engine.startSnapshot(new DataOutputStream(new ByteArrayOutputStream()));

            assertThrowsClearly(IllegalStateException.class, "cannot remove rule abc while a snapshot is being written",
                    () -> engine.undeploy("abc"));
            assertThrowsClearly(IllegalStateException.class, "cannot deploy rule abc while a snapshot is being written",
                    () -> engine.deploy(rules.get(0)));
            assertThrowsClearly(IllegalStateException.class, "a snapshot is already being written",
                    () -> SnapshotChain.snapshot(engine));
            engine.abandonSnapshot();
            assertTrue(engine.undeploy("abc"), "after abandoning, rules change again");
            byte[] whole = SnapshotChain.snapshot(engine);
            assertTrue(whole.length > 0 && !engine.snapshotInProgress(), "snapshots are taken again");
        }
    }

    static void assertThrowsClearly(Class<? extends Throwable> type, String message, Runnable action) {
        Throwable thrown = assertThrows(type, action::run);
        assertTrue(thrown.getMessage().contains(message), () -> "message '" + thrown.getMessage()
                + "' should contain '" + message + "'");
    }
}

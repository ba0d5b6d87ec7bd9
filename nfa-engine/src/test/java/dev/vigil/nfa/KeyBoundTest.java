package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bound on keys holding partial matches ({@link EngineConfig.KeyBounds}): per rule and per engine, the key that
 * has held partial matches the longest loses them first, counted and reported; with the heap store and a key store
 * alike ({@link #stored}), and in the same order after a restore. Time is an input: explicit watermarks release the
 * events.
 */
class KeyBoundTest {
    private static final String PAIR = """
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN 1 HOUR
              DEFINE a AS type = 'A', b AS type = 'B'
            """;
    private static final String OTHER = """
            RULE other FROM events PARTITION BY key
              PATTERN c -> d WITHIN 1 HOUR
              DEFINE c AS type = 'C', d AS type = 'D'
            """;

    private static final String THIRD = """
            RULE third FROM events PARTITION BY key
              PATTERN e -> f WITHIN 1 HOUR
              DEFINE e AS type = 'E', f AS type = 'F'
            """;

    @TempDir
    Path folder;
    private long sequence;
    private int folders;

    /** Alerts as "rule key", evictions as "rule/key/partial matches". */
    private static final class Recorder implements EngineListener {
        final List<String> alerts = new ArrayList<>();
        final List<String> evicted = new ArrayList<>();

        @Override
        public void onAlert(Alert alert) {
            alerts.add(alert.rule() + " " + alert.key());
        }

        @Override
        public void onLateEvent(LateEvent late) {
            throw new AssertionError("no event here is late: " + late.reason());
        }

        @Override
        public void onKeyEvicted(String rule, Object key, int partialMatches) {
            evicted.add(rule + "/" + key + "/" + partialMatches);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void aRuleOverItsBoundEvictsTheKeyHoldingPartialMatchesTheLongest(String store) {
        Recorder out = new Recorder();
        try (Engine engine = new Engine(compile(PAIR), config(store, 2, 100), out)) {
            // k3 begins first, then k1, then k2: not the order of the keys' table
            engine.offer(event("k3", "A", 1));
            engine.offer(event("k1", "A", 2));
            engine.advanceWatermark(2);
            assertEquals(List.of(), out.evicted);
            engine.offer(event("k2", "A", 3));
            engine.advanceWatermark(3);
            assertEquals(List.of("pair/k3/1"), out.evicted);
            for (String key : List.of("k1", "k2", "k3")) {
                engine.offer(event(key, "B", 10));
            }
            engine.finish();
            assertEquals(List.of("pair k1", "pair k2"), out.alerts);
            RuleCounters counters = engine.counters().rules().get(0);
            assertEquals(1, counters.evictedKeys());
            assertEquals(1, counters.droppedPartialMatches());
        }
    }

    @Test
    void aKeyThatStoppedHoldingPartialMatchesIsNewAgainWhenItBegins() {
        Recorder out = new Recorder();
        try (Engine engine = new Engine(compile(PAIR), config("heap", 2, 100), out)) {
            offer(engine, event("k1", "A", 1));
            offer(engine, event("k2", "A", 2));
            offer(engine, event("k1", "B", 3));   // k1's match completes: it holds nothing
            offer(engine, event("k1", "A", 4));   // and begins again, after k2
            offer(engine, event("k3", "A", 5));
            engine.finish();
            assertEquals(List.of("pair/k2/1"), out.evicted);
            assertEquals(List.of("pair k1"), out.alerts);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void overTheEngineBoundTheRuleHoldingTheMostKeysEvictsItsOldest(String store) {
        Recorder out = new Recorder();
        List<CompiledRule> rules = new ArrayList<>(compile(PAIR));
        rules.addAll(compile(OTHER));
        try (Engine engine = new Engine(rules, config(store, 100, 3), out)) {
            offer(engine, event("k1", "A", 1));
            offer(engine, event("k2", "A", 2));
            offer(engine, event("k9", "C", 3));   // pair holds 2 keys, other 1: 3 in all
            assertEquals(List.of(), out.evicted);
            offer(engine, event("k8", "C", 4));   // 2 and 2: the first rule among equals evicts its oldest
            assertEquals(List.of("pair/k1/1"), out.evicted);
            offer(engine, event("k7", "C", 5));   // 1 and 3: other, holding the most, evicts its oldest
            assertEquals(List.of("pair/k1/1", "other/k9/1"), out.evicted);
            RuleCounters pair = engine.counters().rules().get(0);
            RuleCounters other = engine.counters().rules().get(1);
            assertEquals(List.of(1L, 2L, 1L, 1L), List.of(pair.keys(), other.keys(), pair.evictedKeys(),
                    other.evictedKeys()));
        }
    }

    /**
     * Among rules holding as many keys, the first in deployment order evicts: a new version that takes over its
     * predecessor's keys is deployed after every running rule, and a removed rule is no longer counted.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void theRuleToEvictFollowsDeploymentsAndRemovals(String store) {
        Recorder out = new Recorder();
        List<CompiledRule> rules = new ArrayList<>(compile(PAIR));
        rules.addAll(compile(OTHER));
        rules.addAll(compile(THIRD));
        try (Engine engine = new Engine(rules, config(store, 100, 4), out)) {
            offer(engine, event("k1", "A", 1));
            offer(engine, event("k2", "A", 2));
            offer(engine, event("k3", "C", 3));
            offer(engine, event("k4", "E", 4));   // pair 2, other 1, third 1
            engine.deploy(compile(PAIR.replace("RULE pair", "RULE pair SEVERITY high")).get(0));   // keeps its keys
            assertEquals(List.of("other", "third", "pair"), engine.ruleNames());
            offer(engine, event("k5", "C", 5));   // other 2, third 1, pair 2: other comes before pair now
            assertEquals(List.of("other/k3/1"), out.evicted);
            offer(engine, event("k6", "E", 6));   // other 1, third 2, pair 2
            assertEquals(List.of("other/k3/1", "third/k4/1"), out.evicted);
            assertTrue(engine.undeploy("other"));   // third 1, pair 2
            offer(engine, event("k7", "E", 7));
            offer(engine, event("k8", "E", 8));   // third 3, pair 2
            assertEquals(List.of("other/k3/1", "third/k4/1", "third/k6/1"), out.evicted);
            offer(engine, event("k9", "A", 9));   // third 2, pair 3
            assertEquals(List.of("other/k3/1", "third/k4/1", "third/k6/1", "pair/k1/1"), out.evicted);
            RuleCounters pair = engine.counters().rules().get(1);
            assertEquals(List.of("pair", 2L), List.of(pair.rule(), pair.keys()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void eventsStillWaitingForTheWatermarkStayWithAnEvictedKey(String store) {
        Recorder out = new Recorder();
        try (Engine engine = new Engine(compile(PAIR), config(store, 2, 100), out)) {
            engine.offer(event("k1", "A", 1));
            engine.offer(event("k2", "A", 2));
            engine.offer(event("k3", "A", 3));
            engine.offer(event("k1", "B", 5));   // waits: the watermark stops at 3
            engine.offer(event("k1", "A", 6));
            engine.advanceWatermark(3);
            assertEquals(List.of("pair/k1/1"), out.evicted);
            assertEquals(3, engine.counters().rules().get(0).keys());   // k1 keeps its waiting events
            engine.offer(event("k1", "B", 7));
            engine.offer(event("k2", "B", 8));
            engine.finish();
            // k1's B at 5 comes to a key with no history; its A at 6 and B at 7 match
            assertEquals(List.of("pair k1", "pair k2"), out.alerts);
        }
    }

    @ParameterizedTest(name = "heap snapshot restored into {0}")
    @ValueSource(strings = {"heap", "stored"})
    void aRestoredEngineEvictsInTheOrderTheSnapshottedOneWould(String store) throws IOException {
        Recorder before = new Recorder();
        byte[] snapshot;
        try (Engine engine = new Engine(compile(PAIR), config("heap", 3, 100), before)) {
            for (String key : List.of("k3", "k1", "k2")) {
                offer(engine, event(key, "A", sequence + 1));
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            engine.snapshot(new DataOutputStream(bytes));
            snapshot = bytes.toByteArray();
        }
        Recorder after = new Recorder();
        Engine.Restored restored = Engine.restore(compile(PAIR), config(store, 3, 100), after,
                new DataInputStream(new ByteArrayInputStream(snapshot)));
        try (Engine engine = restored.engine()) {
            engine.offer(event("k4", "A", 10));
            engine.offer(event("k5", "A", 11));
            engine.advanceWatermark(11);
            assertEquals(List.of("pair/k3/1", "pair/k1/1"), after.evicted);
        }
    }

    @Test
    void theDefaultBoundsFollowTheHeapAndAreSharedBetweenEngines() {
        EngineConfig.KeyBounds oneGiB = EngineConfig.KeyBounds.forHeap(1L << 30);
        assertEquals(262_144, oneGiB.maxKeys());   // half of 1 GiB at 2 KiB a key
        assertEquals(oneGiB.maxKeys(), oneGiB.maxKeysPerRule());
        assertEquals(new EngineConfig.KeyBounds(87_382, 87_382), oneGiB.perEngine(3));
        assertEquals(Integer.MAX_VALUE, EngineConfig.KeyBounds.forHeap(Long.MAX_VALUE).maxKeys());
        assertEquals(EngineConfig.KeyBounds.unbounded(), EngineConfig.KeyBounds.unbounded().perEngine(4));
        assertTrue(EngineConfig.defaults().keyBounds().maxKeys() >= 1);
    }

    private EngineConfig config(String store, int perRule, int total) {
        EngineConfig config = EngineConfig.defaults().withWatermarksFromInputOnly(true)
                .withKeyBounds(new EngineConfig.KeyBounds(perRule, total));
        return store.equals("heap") ? config : stored(config, folder.resolve("state-" + ++folders));
    }

    /** Key state in a key store: in memory here, in RocksDB in module nfa-rocksdb's subclass. */
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withKeyStore(MemoryKeyStore::new);
    }

    /** Offers the event and releases it at once. */
    private static void offer(Engine engine, Event event) {
        engine.offer(event);
        engine.advanceWatermark(event.timestamp());
    }

    private static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("test.cep", text);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules();
    }

    private Event event(String key, String type, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        return new Event("events", ts, ++sequence, fields);
    }
}

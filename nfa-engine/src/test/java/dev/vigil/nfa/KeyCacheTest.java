package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cache of decoded key states in front of a key store ({@link EngineConfig#withCachedKeys}): a key whose state
 * comes and goes while cached costs the store no write; a state evicted from the cache is written back and read
 * again the same, so the engine reports what the heap engine does.
 */
class KeyCacheTest {
    private static final String PAIR = """
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN 1 HOUR
              DEFINE a AS type = 'A', b AS type = 'B'
            """;

    private long sequence;

    /** Alerts as "rule key ids", ids of the matched events in pattern order. */
    private static final class Alerts implements EngineListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onAlert(Alert alert) {
            List<Long> ids = new ArrayList<>();
            alert.events().values().forEach(events -> events.forEach(event -> ids.add(event.sequence())));
            seen.add(alert.rule() + " " + alert.key() + " " + ids);
        }

        @Override
        public void onLateEvent(LateEvent late) {
            throw new AssertionError("no event here is late: " + late.reason());
        }
    }

    @Test
    void aKeyWhoseStateComesAndGoesWhileCachedCostsTheStoreNoWrite() {
        CountingKeyStore cached = new CountingKeyStore();
        CountingKeyStore uncached = new CountingKeyStore();
        List<String> withCache = run(config().withKeyStore(() -> cached));
        List<String> withoutCache = run(config().withKeyStore(() -> uncached).withCachedKeys(0));
        assertEquals(List.of("pair k1 [1, 3]", "pair k2 [2, 4]"), withCache);
        assertEquals(withCache, withoutCache);
        assertEquals(0, cached.writes, "every state began and ended in the cache");
        assertTrue(uncached.writes > 0, "with no cache each state is written, then deleted");
    }

    @Test
    void aStateEvictedFromTheCacheIsReadBackTheSame() {
        CountingKeyStore store = new CountingKeyStore();
        List<String> onHeap = run(config());
        List<String> oneKeyCached = run(config().withKeyStore(() -> store).withCachedKeys(1));
        assertEquals(onHeap, oneKeyCached);
        assertTrue(store.writes > 0, "k1's state was evicted when k2's came, and written back");
    }

    /**
     * More stored keys than the store's filter of stored keys first has room for: it grows by counting the stored
     * keys again, and still finds every one.
     */
    @Test
    void manyEvictedStatesAreAllFoundAgain() {
        List<String> onHeap = manyKeys(config());
        List<String> oneKeyCached = manyKeys(config().withKeyStore(CountingKeyStore::new).withCachedKeys(1));
        assertEquals(2_000, onHeap.size());
        assertEquals(onHeap, oneKeyCached);
    }

    private List<String> manyKeys(EngineConfig config) {
        sequence = 0;
        Alerts alerts = new Alerts();
        try (Engine engine = new Engine(compile(), config, alerts)) {
            for (int i = 0; i < 2_000; i++) {
                offer(engine, "k" + i, "A", 1 + i);
            }
            for (int i = 0; i < 2_000; i++) {
                offer(engine, "k" + i, "B", 3_000 + i);
            }
            engine.finish();
        }
        return alerts.seen;
    }

    private static EngineConfig config() {
        return EngineConfig.defaults().withWatermarksFromInputOnly(true);
    }

    /** Two keys begin a match each, in turn, then each completes it; each event released at once. */
    private List<String> run(EngineConfig config) {
        sequence = 0;
        Alerts alerts = new Alerts();
        try (Engine engine = new Engine(compile(), config, alerts)) {
            offer(engine, "k1", "A", 1);
            offer(engine, "k2", "A", 2);
            offer(engine, "k1", "B", 3);
            offer(engine, "k2", "B", 4);
            offer(engine, "k3", "B", 5);   // starts nothing
            engine.finish();
            assertEquals(0, engine.counters().rules().get(0).partialMatches());
        }
        return alerts.seen;
    }

    private void offer(Engine engine, String key, String type, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        engine.offer(new Event("events", ts, ++sequence, fields));
        engine.advanceWatermark(ts);
    }

    private static List<CompiledRule> compile() {
        CompileResult result = RuleCompiler.compile("test.cep", PAIR);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules();
    }
}

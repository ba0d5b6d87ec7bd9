package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.MemoryKeyStore;
import dev.vigil.nfa.Programs;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.state.KeyStateCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys that leave before their window closes (evicted, or done) leave their timers behind; a flood of keys must not
 * fill the timer queue with them, whatever the window: the queue stays within a small multiple of the keys that hold
 * state, and taking the stale timers out changes nothing the rule reports.
 */
class StaleTimersTest {
    private static final String PAIR = """
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN 1 HOUR
              DEFINE a AS type = 'A', b AS type = 'B'
            """;
    private static final int KEYS = 20_000;
    private static final int BOUND = 100;

    @TempDir
    Path folder;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void aFloodOfKeysLeavesTheTimerQueueBoundedAndTheOutputAsIs(String store) {
        List<String> alerts = new ArrayList<>();
        int[] evicted = new int[1];
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(String.valueOf(alert.key()));
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError(late.reason());
            }

            @Override
            public void onKeyEvicted(String rule, Object key, int partialMatches) {
                evicted[0]++;
            }
        };
        CompileResult compiled = RuleCompiler.compile("pair.cep", PAIR);
        assertTrue(compiled.ok(), compiled.diagnostics().toString());
        try (KeyStorage storage = store.equals("heap") ? KeyStorage.heap()
                : KeyStorage.serialized(stored(folder.resolve("state")), KeyStateCodec::new)) {
            RuleRuntime runtime = new RuleRuntime(compiled.rules().get(0), Programs.of(compiled.rules().get(0)), 10_000,
                    EngineConfig.DEFAULT_MAX_WORK_PER_EVENT, KeySlice.ALL, listener, storage,
                    new KeyBudget(new EngineConfig.KeyBounds(BOUND, Integer.MAX_VALUE)));
            int mostTimers = 0;
            for (int key = 0; key < KEYS; key++) {
                runtime.buffer(event("k" + key, "A", 1 + key));
                if (key % 2 == 0) {
                    runtime.buffer(event("k" + key, "B", 1 + key));   // half the keys complete at once
                }
                runtime.advanceTo(1 + key);
                mostTimers = Math.max(mostTimers, runtime.queuedTimers());
            }
            assertEquals(KEYS / 2, alerts.size());
            assertEquals(KEYS / 2 - BOUND, evicted[0]);
            assertEquals(BOUND, runtime.keysHoldingMatches());
            // without the clearing every key's timer stays for the hour: 20,000
            assertTrue(mostTimers <= 2 * (BOUND + 1_025), "at most " + mostTimers + " timers were queued");
        }
    }

    /** A key store: in memory here, RocksDB in module nfa-rocksdb's subclass. */
    KeyStore stored(Path folder) {
        return new MemoryKeyStore();
    }

    private static Event event(String key, String type, long ts) {
        return new Event("events", ts, ts, Map.of("key", key, "type", type));
    }
}

package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.MemoryKeyStore;
import dev.vigil.nfa.state.SnapshotChain;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key store changes where key state lives, never what the engine reports: over the differential test's generated
 * rules and streams (every pattern construct, every skip strategy, windows, absences, bounded partial matches per
 * key, bounded keys), a heap engine and an engine keeping key state in a store ({@link #stored}: in memory here,
 * RocksDB in module nfa-rocksdb's subclass) given the same input report the same alerts (ids, fields, events,
 * order), late events, dropped partial matches and evicted keys, and end with the same counters.
 */
class StoredStateEqualityTest {
    private static final int CASES = 300;

    /**
     * With no cache (every state written back at once), a cache of two keys (states evicted and read back all the
     * time, snapshots taken with changed states cached) and the default cache (every key of a case cached).
     */
    @ParameterizedTest(name = "{0} keys cached")
    @ValueSource(ints = {0, 2, EngineConfig.DEFAULT_CACHED_KEYS})
    void heapAndStoredEnginesReportTheSameOnGeneratedRules(int cachedKeys, @TempDir Path folder) {
        int compared = 0;
        int withAlerts = 0;
        int withEvictions = 0;
        for (long seed = 1; seed <= CASES; seed++) {
            Optional<CompiledCase> generated = CompiledCase.of(seed);
            if (generated.isEmpty()) {
                continue;
            }
            CompiledCase c = generated.get();
            SnapshotChain.Outcome onHeap = SnapshotChain.straight(c.rules(), c.config(), c.steps());
            SnapshotChain.Outcome stored = SnapshotChain.straight(c.rules(),
                    stored(c.config(), folder.resolve("state")).withCachedKeys(cachedKeys), c.steps());
            assertEquals(onHeap.transcript(), stored.transcript(), c.description());
            assertEquals(onHeap.counters(), stored.counters(), c.description());
            compared++;
            if (onHeap.alerts() > 0) {
                withAlerts++;
            }
            if (onHeap.counters().rules().get(0).evictedKeys() > 0) {
                withEvictions++;
            }
        }
        assertTrue(compared > CASES / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(withAlerts > compared / 3, "many cases should alert, " + withAlerts + " did");
        assertTrue(withEvictions > compared / 10, "some cases should evict keys, " + withEvictions + " did");
    }

    /** Key state in a key store: in memory here, in RocksDB in module nfa-rocksdb's subclass. */
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withKeyStore(MemoryKeyStore::new);
    }
}

package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.MemoryKeyStore;
import dev.vigil.nfa.state.SnapshotChain;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshot and restore over the differential test's generated rules: every pattern construct Flink CEP has
 * (loops, groups, optional and greedy stages, absences, every skip strategy, windows and gap windows, UNTIL,
 * conditions reading the partial match), each over its generated keyed stream. A chain of engines restored from
 * each other's snapshots at random points must report exactly what one uninterrupted heap engine reports, whether
 * the chain keeps key state on the heap, in a key store ({@link #stored}: in memory here, RocksDB in module
 * nfa-rocksdb's subclass), or alternates (a heap snapshot restored into a store and back), or leaves the keys in
 * the store's own checkpoints (RocksDB's, in the subclass); also where tight bounds
 * on keys evict them, so a restored engine evicts in the order the first would have.
 */
class SnapshotChainOnGeneratedRulesTest {
    private static final int CASES = 300;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored", "stored, 2 keys cached", "heap then stored", "store checkpoints",
            "store checkpoints, 2 keys cached"})
    void restoredChainsMatchTheUninterruptedEngineOnGeneratedRules(String backends, @TempDir Path folder) {
        assumeTrue(heapCases() || !backends.equals("heap"), "the heap runs in nfa-engine");
        assumeTrue(storeCheckpoints() || !backends.startsWith("store checkpoints"), "RocksDB's, in nfa-rocksdb");
        int compared = 0;
        int withAlerts = 0;
        int withEvictions = 0;
        for (long seed = 1; seed <= CASES; seed++) {
            Optional<CompiledCase> generated = CompiledCase.of(seed);
            if (generated.isEmpty()) {
                continue;   // a shape Flink rejects too; the differential test reports those
            }
            CompiledCase c = generated.get();
            SnapshotChain.Outcome straight = SnapshotChain.straight(c.rules(), c.config(), c.steps());
            EngineConfig stored = stored(c.config(), folder.resolve("state"));
            // A cache of two keys: snapshots are taken with changed states cached, restores evict as they go.
            List<EngineConfig> chain = backends.equals("heap") ? List.of(c.config())
                    : backends.equals("stored") || backends.equals("store checkpoints") ? List.of(stored)
                    : backends.endsWith("2 keys cached") ? List.of(stored.withCachedKeys(2))
                    : List.of(c.config(), stored);
            // Fewer cuts with a store: each one opens a RocksDB database, which costs milliseconds, not microseconds.
            double cutChance = backends.equals("heap") ? 0.3 : 0.05;
            // Store checkpoints: each snapshot leaves the keys in the store's own checkpoint, the restore opens it.
            SnapshotChain.Outcome chained = backends.startsWith("store checkpoints")
                    ? SnapshotChain.chainedThroughStoreCheckpoints(c.rules(), chain.get(0), c.steps(), seed,
                            cutChance, folder.resolve("checkpoints-" + seed))
                    : SnapshotChain.chained(c.rules(), chain, c.steps(), seed, cutChance);
            assertEquals(straight.transcript(), chained.transcript(), c.description());
            assertEquals(straight.counters(), chained.counters(), c.description());
            compared++;
            if (straight.alerts() > 0) {
                withAlerts++;
            }
            if (straight.counters().rules().get(0).evictedKeys() > 0) {
                withEvictions++;
            }
        }
        assertTrue(compared > CASES / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(withAlerts > compared / 3, "many cases should alert, " + withAlerts + " did");
        assertTrue(withEvictions > compared / 10, "some cases should evict keys, " + withEvictions + " did");
    }

    /**
     * Snapshots written a few keys at a time while events keep coming (copy on write): each equals, byte for
     * byte, the snapshot taken at once at its start, and writing them changes nothing the engine reports.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void slicedSnapshotsEqualTheSnapshotOfTheirStart(String backend, @TempDir Path folder) {
        assumeTrue(heapCases() || !backend.equals("heap"), "the heap runs in nfa-engine");
        int snapshots = 0;
        for (long seed = 1; seed <= CASES; seed++) {
            Optional<CompiledCase> generated = CompiledCase.of(seed);
            if (generated.isEmpty()) {
                continue;
            }
            CompiledCase c = generated.get();
            EngineConfig whole = backend.equals("heap") ? c.config() : stored(c.config(), folder.resolve("a"));
            EngineConfig sliced = backend.equals("heap") ? c.config() : stored(c.config(), folder.resolve("b"));
            snapshots += SnapshotChain.sliced(c.rules(), whole, sliced, c.steps(), seed, 0.2).snapshots();
        }
        assertTrue(snapshots > CASES, "most cases should complete several sliced snapshots, " + snapshots + " did");
    }

    /** Key state in a key store: in memory here, in RocksDB in module nfa-rocksdb's subclass. */
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withKeyStore(MemoryKeyStore::new);
    }

    /** Whether the cases on the heap alone run: not again in a subclass testing another store. */
    boolean heapCases() {
        return true;
    }

    /** Whether {@link #stored} takes checkpoints of its own (RocksDB's, in nfa-rocksdb's subclass). */
    boolean storeCheckpoints() {
        return false;
    }
}

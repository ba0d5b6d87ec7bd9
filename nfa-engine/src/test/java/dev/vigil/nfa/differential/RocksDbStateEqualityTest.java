package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.state.SnapshotChain;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB state backend changes where key state lives, never what the engine reports: over the differential
 * test's generated rules and streams (every pattern construct, every skip strategy, windows, absences, bounded
 * partial matches per key, bounded keys), a heap engine and a RocksDB engine given the same input report the same
 * alerts (ids, fields, events, order), late events, dropped partial matches and evicted keys, and end with the
 * same counters.
 */
class RocksDbStateEqualityTest {
    private static final int CASES = 300;

    @Test
    void heapAndRocksDbEnginesReportTheSameOnGeneratedRules(@TempDir Path folder) {
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
            SnapshotChain.Outcome inRocksDb = SnapshotChain.straight(c.rules(),
                    c.config().withRocksDbState(folder.resolve("state")), c.steps());
            assertEquals(onHeap.transcript(), inRocksDb.transcript(), c.description());
            assertEquals(onHeap.counters(), inRocksDb.counters(), c.description());
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
}

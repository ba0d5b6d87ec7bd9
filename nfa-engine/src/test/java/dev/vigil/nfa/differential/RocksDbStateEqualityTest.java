package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.RulePrinter;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.state.SnapshotChain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB state backend changes where key state lives, never what the engine reports: over the differential
 * test's generated rules and streams (every pattern construct, every skip strategy, windows, absences, bounded
 * partial matches per key), a heap engine and a RocksDB engine given the same input report the same alerts (ids,
 * fields, events, order), late events and dropped partial matches, and end with the same counters.
 */
class RocksDbStateEqualityTest {
    private static final int CASES = 300;

    @Test
    void heapAndRocksDbEnginesReportTheSameOnGeneratedRules(@TempDir Path folder) {
        int compared = 0;
        int withAlerts = 0;
        for (long seed = 1; seed <= CASES; seed++) {
            DiffCase diffCase = CaseGenerator.generate(seed);
            CompileResult compiled = RuleCompiler.compile("case.cep", RulePrinter.print(diffCase.rule()));
            if (!compiled.ok()) {
                continue;
            }
            EngineConfig heap = EngineConfig.defaults().withDefaultWatermarkDelayMs(diffCase.watermarkDelayMs())
                    .withMaxPartialMatchesPerKey(seed % 4 == 0 ? 4 : EngineConfig.DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY);
            List<SnapshotChain.Step> steps = new ArrayList<>();
            long sequence = 0;
            for (CaseEvent event : diffCase.events()) {
                steps.add(new SnapshotChain.Offer(
                        new Event(CaseGenerator.STREAM, event.ts(), sequence++, event.fields())));
            }
            SnapshotChain.Outcome onHeap = SnapshotChain.straight(compiled.rules(), heap, steps);
            SnapshotChain.Outcome inRocksDb = SnapshotChain.straight(compiled.rules(),
                    heap.withRocksDbState(folder.resolve("state")), steps);
            String rule = "seed " + seed + ":\n" + RulePrinter.print(diffCase.rule());
            assertEquals(onHeap.transcript(), inRocksDb.transcript(), rule);
            assertEquals(onHeap.counters(), inRocksDb.counters(), rule);
            compared++;
            if (onHeap.alerts() > 0) {
                withAlerts++;
            }
        }
        assertTrue(compared > CASES / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(withAlerts > compared / 3, "many cases should alert, " + withAlerts + " did");
    }
}

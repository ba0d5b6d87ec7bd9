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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshot and restore over the differential test's generated rules: every pattern construct Flink CEP has
 * (loops, groups, optional and greedy stages, absences, every skip strategy, windows and gap windows, UNTIL,
 * conditions reading the partial match), each over its generated keyed stream. A chain of engines restored from
 * each other's snapshots at random points must report exactly what one uninterrupted heap engine reports, whether
 * the chain keeps key state on the heap, in RocksDB, or alternates (a heap snapshot restored into RocksDB and
 * back).
 */
class SnapshotChainOnGeneratedRulesTest {
    private static final int CASES = 300;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb", "heap then rocksdb"})
    void restoredChainsMatchTheUninterruptedEngineOnGeneratedRules(String backends, @TempDir Path folder) {
        int compared = 0;
        int withAlerts = 0;
        for (long seed = 1; seed <= CASES; seed++) {
            DiffCase diffCase = CaseGenerator.generate(seed);
            CompileResult compiled = RuleCompiler.compile("case.cep", RulePrinter.print(diffCase.rule()));
            if (!compiled.ok()) {
                continue;   // a shape Flink rejects too; the differential test reports those
            }
            EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(diffCase.watermarkDelayMs())
                    .withMaxPartialMatchesPerKey(seed % 4 == 0 ? 4 : EngineConfig.DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY);
            List<SnapshotChain.Step> steps = new ArrayList<>();
            long sequence = 0;
            for (CaseEvent event : diffCase.events()) {
                steps.add(new SnapshotChain.Offer(
                        new Event(CaseGenerator.STREAM, event.ts(), sequence++, event.fields())));
            }
            SnapshotChain.Outcome straight = SnapshotChain.straight(compiled.rules(), config, steps);
            EngineConfig rocksDb = config.withRocksDbState(folder.resolve("state"));
            List<EngineConfig> chain = backends.equals("heap") ? List.of(config)
                    : backends.equals("rocksdb") ? List.of(rocksDb) : List.of(config, rocksDb);
            // Fewer cuts with RocksDB: each one opens a database, which costs milliseconds, not microseconds.
            double cutChance = backends.equals("heap") ? 0.3 : 0.05;
            SnapshotChain.Outcome chained = SnapshotChain.chained(compiled.rules(), chain, steps, seed, cutChance);
            String rule = "seed " + seed + ":\n" + RulePrinter.print(diffCase.rule());
            assertEquals(straight.transcript(), chained.transcript(), rule);
            assertEquals(straight.counters(), chained.counters(), rule);
            compared++;
            if (straight.alerts() > 0) {
                withAlerts++;
            }
        }
        assertTrue(compared > CASES / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(withAlerts > compared / 3, "many cases should alert, " + withAlerts + " did");
    }
}

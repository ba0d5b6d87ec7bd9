package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.MemoryKeyStore;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.RuleReset;
import dev.vigil.nfa.state.SnapshotChain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replacement policy over the differential test's generated rules (every pattern construct, skip strategy, window,
 * absence and bound), each replaced by a new version at a random point of its stream, on the heap and in a key store
 * (in memory here, RocksDB in nfa-rocksdb's subclass). A version differing only in {@code SEVERITY} goes on exactly as
 * the old version would have (same partial matches, timers, waiting events and counters); a version with another
 * {@code PARTITION BY} counts as dropped exactly the partial matches the old version held. Either way, deploying the
 * new version into the running engine and restoring a snapshot of the old one with it have the same outcome, alert for
 * alert.
 */
class ReplacementOnGeneratedRulesTest {
    private static final int CASES = 300;

    private record Run(List<String> transcript, EngineCounters counters, List<RuleReset> reset) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void aNewSeverityGoesOnAsIfNothingWasReplaced(String backend, @TempDir Path folder) {
        assumeTrue(heapCases() || !backend.equals("heap"), "the heap runs in nfa-engine");
        int compared = 0;
        int keptSome = 0;
        for (long seed = 1; seed <= cases(backend); seed++) {
            Optional<CompiledCase> generated = CompiledCase.of(seed);
            if (generated.isEmpty()) {
                continue;
            }
            CompiledCase c = generated.get();
            CompiledRule next = compile(text(c).replaceFirst("FROM events", "SEVERITY critical FROM events"));
            int cut = new Random(seed).nextInt(c.steps().size() + 1);
            SnapshotChain.Outcome straight = SnapshotChain.straight(c.rules(),
                    config(c, backend, folder, seed + "-straight"), c.steps());
            Run deployed = deployed(c, config(c, backend, folder, seed + "-deployed"), cut, next);
            assertEquals(withoutVersion(straight.transcript()), withoutVersion(deployed.transcript()),
                    c.description());
            assertEquals(straight.counters(), deployed.counters(), c.description());
            Run restored = restored(c, config(c, backend, folder, seed + "-first"),
                    config(c, backend, folder, seed + "-restored"), cut, next);
            assertEquals(List.of(), restored.reset(), c.description());
            assertEquals(deployed.transcript(), restored.transcript(), c.description());
            assertEquals(deployed.counters(), restored.counters(), c.description());
            compared++;
            keptSome += heldAtCut(c, cut) > 0 ? 1 : 0;
        }
        assertTrue(compared > cases(backend) / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(keptSome > compared / 3, "many cases should hold partial matches at the cut, " + keptSome + " did");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void anotherKeyDropsAndCountsExactlyThePartialMatchesHeld(String backend, @TempDir Path folder) {
        assumeTrue(heapCases() || !backend.equals("heap"), "the heap runs in nfa-engine");
        int compared = 0;
        int droppedSome = 0;
        for (long seed = 1; seed <= cases(backend); seed++) {
            Optional<CompiledCase> generated = CompiledCase.of(seed);
            if (generated.isEmpty()) {
                continue;
            }
            CompiledCase c = generated.get();
            CompiledRule next = compile(text(c).replaceFirst("PARTITION BY key", "PARTITION BY key, shadow"));
            int cut = new Random(seed).nextInt(c.steps().size() + 1);
            long held = heldAtCut(c, cut);
            Run deployed = deployed(c, config(c, backend, folder, seed + "-deployed"), cut, next);
            Run restored = restored(c, config(c, backend, folder, seed + "-first"),
                    config(c, backend, folder, seed + "-restored"), cut, next);
            assertEquals(List.of(new RuleReset("r", "its PARTITION BY changed since the snapshot")), restored.reset(),
                    c.description());
            assertEquals(held, deployed.counters().rules().get(0).partialMatchesDroppedOnReplace(), c.description());
            assertEquals(deployed.transcript(), restored.transcript(), c.description());
            assertEquals(deployed.counters(), restored.counters(), c.description());
            compared++;
            droppedSome += held > 0 ? 1 : 0;
        }
        assertTrue(compared > cases(backend) / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(droppedSome > compared / 3, "many cases should drop partial matches, " + droppedSome + " did");
    }

    /** Fewer cases in a key store: in RocksDB each engine opens a database, which costs milliseconds. */
    private static int cases(String backend) {
        return backend.equals("heap") ? CASES : CASES / 10;
    }

    /** The case's settings, with key state on the heap or in a key store of its own ({@link #stored}). */
    private EngineConfig config(CompiledCase c, String backend, Path folder, String name) {
        return backend.equals("heap") ? c.config() : stored(c.config(), folder.resolve(name));
    }

    /** Key state in a key store: in memory here, in RocksDB in module nfa-rocksdb's subclass. */
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withKeyStore(MemoryKeyStore::new);
    }

    /** Whether the cases on the heap alone run: not again in a subclass testing another store. */
    boolean heapCases() {
        return true;
    }

    /** The old version up to the cut, the new version deployed into the same engine, then the rest. */
    private static Run deployed(CompiledCase c, EngineConfig config, int cut, CompiledRule next) {
        SnapshotChain.Transcript transcript = new SnapshotChain.Transcript();
        Engine engine = new Engine(c.rules(), config, transcript);
        c.steps().subList(0, cut).forEach(step -> SnapshotChain.apply(engine, step));
        engine.deploy(next);
        c.steps().subList(cut, c.steps().size()).forEach(step -> SnapshotChain.apply(engine, step));
        engine.finish();
        EngineCounters counters = engine.counters();
        engine.close();
        return new Run(transcript.lines, counters, List.of());
    }

    /** The old version up to the cut, snapshotted, restored with the new version, then the rest. */
    private static Run restored(CompiledCase c, EngineConfig config, EngineConfig second, int cut,
            CompiledRule next) {
        SnapshotChain.Transcript transcript = new SnapshotChain.Transcript();
        Engine first = new Engine(c.rules(), config, transcript);
        c.steps().subList(0, cut).forEach(step -> SnapshotChain.apply(first, step));
        byte[] bytes = SnapshotChain.snapshot(first);
        first.close();
        Engine.Restored restored = SnapshotChain.restore(List.of(next), second, transcript, bytes);
        Engine engine = restored.engine();
        c.steps().subList(cut, c.steps().size()).forEach(step -> SnapshotChain.apply(engine, step));
        engine.finish();
        EngineCounters counters = engine.counters();
        engine.close();
        return new Run(transcript.lines, counters, restored.reset());
    }

    /** The partial matches the old version holds at the cut, as its counters show them. */
    private static long heldAtCut(CompiledCase c, int cut) {
        Engine engine = new Engine(c.rules(), c.config(), new SnapshotChain.Transcript());
        c.steps().subList(0, cut).forEach(step -> SnapshotChain.apply(engine, step));
        return engine.counters().rules().get(0).partialMatches();
    }

    private static String text(CompiledCase c) {
        return c.description().substring(c.description().indexOf('\n') + 1);
    }

    private static CompiledRule compile(String text) {
        CompileResult compiled = RuleCompiler.compile("case.cep", text);
        assertTrue(compiled.ok(), () -> text + compiled.diagnostics());
        return compiled.rules().get(0).withVersion(2);
    }

    /** Alert lines without what a new version changes: the id (it hashes the version), version and severity. */
    private static List<String> withoutVersion(List<String> transcript) {
        List<String> lines = new ArrayList<>(transcript.size());
        for (String line : transcript) {
            lines.add(line.replaceFirst("^alert \\S+ (\\S+) v\\d+ ", "alert $1 ").replaceFirst(" severity=\\S+ ", " "));
        }
        return lines;
    }
}

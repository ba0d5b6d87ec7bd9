package dev.vigil.nfa.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.nfa.RuleReset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine snapshots that leave the keys in RocksDB's own checkpoint (format version 5 with a store checkpoint): what
 * they hold, what a restore does with rules changed, removed or renumbered since, and the clear errors when the
 * checkpoint is missing, another snapshot's, or the engine keeps its keys elsewhere. The equivalence with an engine
 * that never stopped, over the generated rules, is {@code RocksDbSnapshotChainTest}'s ("store checkpoints").
 */
class StoreCheckpointSnapshotTest {
    private static final String ABC = """
            RULE abc FROM events PARTITION BY key
              PATTERN a -> b -> c WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C';
            """;
    private static final String AB = """
            RULE ab FROM events PARTITION BY key
              PATTERN a -> b WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B';
            """;

    @TempDir
    Path folder;
    private long sequence;

    private Event event(String key, String type, long ts) {
        return new Event("events", ts, ++sequence, Map.of("key", key, "type", type, "note", "marker-" + key + "."));
    }

    private static int occurrences(byte[] bytes, byte[] part) {
        int count = 0;
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                count++;
            }
        }
        return count;
    }

    private EngineConfig config() {
        return EngineConfig.defaults().withDefaultWatermarkDelayMs(100).withRocksDbState(folder.resolve("state"));
    }

    /** Every key of {@code keys} holds a partial match "a"; k0 also has a "b" waiting for the watermark. */
    private Engine engineWithState(List<CompiledRule> rules, SnapshotChain.Transcript transcript, int keys) {
        Engine engine = new Engine(rules, config(), transcript);
        for (int i = 0; i < keys; i++) {
            engine.offer(event("k" + i, "A", 1_000));
        }
        engine.offer(event("x", "X", 1_200));   // the watermark passes the A's
        engine.offer(event("k0", "B", 1_250));
        return engine;
    }

    private static byte[] snapshot(Engine engine, Path checkpoint) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            engine.snapshot(out, checkpoint);
        }
        return bytes.toByteArray();
    }

    private static Engine.Restored restore(List<CompiledRule> rules, EngineConfig config,
            SnapshotChain.Transcript transcript, byte[] bytes, Path checkpoint) throws IOException {
        return Engine.restore(rules, config, transcript, new DataInputStream(new ByteArrayInputStream(bytes)),
                checkpoint);
    }

    private static List<String> alertKeys(SnapshotChain.Transcript transcript) {
        List<String> keys = new ArrayList<>();
        for (String line : transcript.lines) {
            keys.add(line.split(" ")[2] + " " + line.substring(line.indexOf("key=")).split(" ")[0]);
        }
        return keys;
    }

    @Test
    void theSnapshotHoldsNoKeyAndTheRestoredEngineHasThemAll() throws IOException {
        List<CompiledRule> rules = EngineSnapshotTest.compile(AB);
        Engine engine = engineWithState(rules, new SnapshotChain.Transcript(), 5_000);
        byte[] full = SnapshotChain.snapshot(engine);
        Path checkpoint = folder.resolve("checkpoint");
        byte[] bytes = snapshot(engine, checkpoint);
        RuleCounters before = engine.counters().rules().get(0);
        engine.close();

        // The events of the partial matches are in the checkpoint only; the timers (on the heap) in the snapshot.
        byte[] marker = "marker-k7.".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, occurrences(full, marker));
        assertEquals(0, occurrences(bytes, marker));
        assertTrue(bytes.length < full.length / 3, bytes.length + " bytes against " + full.length);
        assertTrue(Files.isDirectory(checkpoint), "RocksDB's checkpoint is beside it");
        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine restored = restore(rules, config(), after, bytes, checkpoint).engine();
        assertEquals(before, restored.counters().rules().get(0));
        restored.offer(event("k4999", "B", 1_300));
        restored.finish();
        assertEquals(List.of("ab key=k0", "ab key=k4999"), alertKeys(after));
        restored.close();
        assertTrue(Files.isDirectory(checkpoint), "the checkpoint stays intact after a restore");
    }

    /**
     * What lives beside the keys on the heap comes back too: a key's SUPPRESS FOR period under way (k1 alerted at
     * 1,200; its event at 1,400 is suppressed after the restore as without it) and its windowed aggregate's events (k2
     * has two of its three B's before the snapshot), exactly as an engine that never stopped has them.
     */
    @Test
    void suppressionPeriodsAndWindowEventsComeBackBesideTheStoredKeys() throws IOException {
        List<CompiledRule> rules = EngineSnapshotTest.compile("""
                RULE burst FROM events PARTITION BY key
                  PATTERN b
                  DEFINE b AS type = 'B' AND COUNT(*) OVER (LAST 10 SECONDS) >= 3
                  SUPPRESS FOR 5 SECONDS;
                """);
        List<Event> before = List.of(event("k1", "B", 1_000), event("k1", "B", 1_100), event("k1", "B", 1_200),
                event("k2", "B", 1_250), event("k2", "B", 1_300), event("x", "X", 1_500));
        List<Event> after = List.of(event("k1", "B", 1_600), event("k2", "B", 1_700), event("k1", "B", 7_000));

        SnapshotChain.Transcript uninterrupted = new SnapshotChain.Transcript();
        Engine reference = new Engine(rules, EngineConfig.defaults().withDefaultWatermarkDelayMs(100), uninterrupted);
        before.forEach(reference::offer);
        int alertsBefore = uninterrupted.lines.size();
        after.forEach(reference::offer);
        reference.finish();
        reference.close();

        Engine engine = new Engine(rules, config(), new SnapshotChain.Transcript());
        before.forEach(engine::offer);
        Path checkpoint = folder.resolve("checkpoint");
        byte[] bytes = snapshot(engine, checkpoint);
        engine.close();
        SnapshotChain.Transcript restoredAlerts = new SnapshotChain.Transcript();
        Engine restored = restore(rules, config(), restoredAlerts, bytes, checkpoint).engine();
        after.forEach(restored::offer);
        restored.finish();
        restored.close();

        List<String> expected = alertKeys(uninterrupted).subList(alertsBefore, uninterrupted.lines.size());
        assertEquals(List.of("burst key=k2", "burst key=k1"), expected, "the reference itself");
        assertEquals(expected, alertKeys(restoredAlerts));
    }

    @Test
    void rulesRenumberedByDeploymentsKeepTheirStoredStatesAndARuleChangedSinceStartsEmpty() throws IOException {
        // Deployed and removed before the snapshot: the store numbers ab 1 and ab2 2, the restore numbers afresh.
        Engine engine = new Engine(EngineSnapshotTest.compile(ABC), config(), new SnapshotChain.Transcript());
        engine.deploy(EngineSnapshotTest.compile(AB).get(0));
        engine.offer(event("k1", "A", 1_000));
        engine.undeploy("abc");
        engine.deploy(EngineSnapshotTest.compile(ABC.replace("RULE abc", "RULE abc2")).get(0));
        engine.offer(event("k2", "A", 1_010));
        engine.offer(event("x", "X", 1_200));
        Path checkpoint = folder.resolve("checkpoint");
        byte[] bytes = snapshot(engine, checkpoint);
        engine.close();

        List<CompiledRule> rules = EngineSnapshotTest.compile(
                ABC.replace("RULE abc", "RULE abc2").replace("type = 'C'", "type = 'D'") + AB);
        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine.Restored restored = restore(rules, config(), after, bytes, checkpoint);
        assertEquals(List.of(new RuleReset("abc2", "its conditions changed since the snapshot")), restored.reset());
        assertEquals(0, restored.engine().counters().rules().get(0).partialMatches(), "abc2's are gone");
        assertEquals(2, restored.engine().counters().rules().get(1).partialMatches());
        restored.engine().offer(event("k1", "B", 1_300));
        restored.engine().offer(event("k2", "B", 1_310));
        restored.engine().offer(event("k2", "D", 1_320));
        restored.engine().finish();
        assertEquals(List.of("ab key=k1", "ab key=k2"), alertKeys(after));
        restored.engine().close();
    }

    @Test
    void aSnapshotWhoseKeysAreInACheckpointNeedsThatCheckpointAndRocksDb() throws IOException {
        List<CompiledRule> rules = EngineSnapshotTest.compile(AB);
        Engine engine = engineWithState(rules, new SnapshotChain.Transcript(), 3);
        byte[] first = snapshot(engine, folder.resolve("first"));
        snapshot(engine, folder.resolve("second"));
        engine.close();

        SnapshotFormatException none = assertThrows(SnapshotFormatException.class,
                () -> restore(rules, config(), new SnapshotChain.Transcript(), first, null));
        assertEquals("the snapshot's key states are in a RocksDB checkpoint, and none was given to restore from",
                none.getMessage());
        SnapshotFormatException other = assertThrows(SnapshotFormatException.class,
                () -> restore(rules, config(), new SnapshotChain.Transcript(), first, folder.resolve("second")));
        assertEquals("the RocksDB checkpoint " + folder.resolve("second") + " is not the one written with this"
                + " snapshot", other.getMessage());
        SnapshotFormatException heap = assertThrows(SnapshotFormatException.class,
                () -> restore(rules, EngineConfig.defaults().withDefaultWatermarkDelayMs(100),
                        new SnapshotChain.Transcript(), first, folder.resolve("first")));
        assertEquals("the snapshot's key states are in a RocksDB checkpoint; this engine keeps key state on the heap",
                heap.getMessage());
        restore(rules, config(), new SnapshotChain.Transcript(), first, folder.resolve("first")).engine().close();
    }

    @Test
    void anEngineWithKeysOnTheHeapHasNoStoreToCheckpoint() {
        Engine engine = new Engine(EngineSnapshotTest.compile(AB),
                EngineConfig.defaults().withDefaultWatermarkDelayMs(100), new SnapshotChain.Transcript());
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> snapshot(engine, folder.resolve("checkpoint")));
        assertEquals("the engine keeps its key states on the heap: no store to checkpoint", thrown.getMessage());
        engine.close();
    }
}

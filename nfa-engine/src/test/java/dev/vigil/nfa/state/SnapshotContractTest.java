package dev.vigil.nfa.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleReset;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a restore does with snapshots that do not fit: another format version, damaged bytes, rules that changed,
 * rules that are new, another engine setup; and what a snapshot holds exactly: each event once, field values of
 * their exact types, the same bytes after a round trip.
 */
class SnapshotContractTest {
    private static final String ABC = """
            RULE abc FROM events PARTITION BY key
              PATTERN a -> b -> c WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
              EMIT first = a.value, payload = a.payload;
            """;
    private static final String ABC_CHANGED = ABC.replace("type = 'C'", "type = 'D'");
    private static final String ABC_NEW_EMIT = ABC.replace("EMIT first = a.value", "EMIT start = a.value");
    private static final String AB = """
            RULE ab FROM events PARTITION BY key
              PATTERN a -> b WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B';
            """;

    private long sequence;

    private Event event(String key, String type, long ts, Object payload) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", sequence);
        fields.put("payload", payload);
        return new Event("events", ts, ++sequence, fields);
    }

    /** An engine holding a partial match "a" for keys k1 and k2, and a waiting "b" of k1. */
    private Engine engineWithState(String rules, SnapshotChain.Transcript transcript) {
        Engine engine = new Engine(EngineSnapshotTest.compile(rules),
                EngineConfig.defaults().withDefaultWatermarkDelayMs(100), transcript);
        engine.offer(event("k1", "A", 1_000, "p1"));
        engine.offer(event("k2", "A", 1_010, "p2"));
        engine.offer(event("k1", "B", 1_200, "p3"));
        engine.offer(event("k3", "X", 1_300, null));   // moves the watermark to 1_199: the A's are matched
        return engine;
    }

    private static Engine.Restored restore(String rules, EngineConfig config, SnapshotChain.Transcript transcript,
            byte[] bytes) throws IOException {
        return Engine.restore(EngineSnapshotTest.compile(rules), config, transcript,
                new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    private static EngineConfig config() {
        return EngineConfig.defaults().withDefaultWatermarkDelayMs(100);
    }

    @Test
    void restoredEngineFinishesTheMatchesTheSnapshotHeld() throws IOException {
        SnapshotChain.Transcript before = new SnapshotChain.Transcript();
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC, before));
        assertEquals(List.of(), before.lines);

        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine.Restored restored = restore(ABC, config(), after, bytes);
        assertEquals(List.of(), restored.reset());
        assertEquals(1_199, restored.engine().watermark("events"));
        restored.engine().offer(event("k1", "C", 1_400, null));
        restored.engine().finish();
        assertEquals(1, after.alerts);
        assertTrue(after.lines.get(0).contains("key=k1") && after.lines.get(0).contains("payload=p1"),
                after.lines.get(0));
    }

    /**
     * A snapshot of format 3 (written by the build before events had identities, kept in
     * {@code snapshots/abc-v3.b64}: {@link #engineWithState} of {@code ABC}) restores with every event's identity
     * equal to its sequence, so the alerts it completes keep the ids an uninterrupted run gives.
     */
    @Test
    void aFormat3SnapshotRestoresWithIdentitiesEqualToSequences() throws IOException {
        byte[] v3;
        try (var in = SnapshotContractTest.class.getResourceAsStream("/snapshots/abc-v3.b64")) {
            v3 = java.util.Base64.getMimeDecoder().decode(in.readAllBytes());
        }
        assertEquals(3, ByteBuffer.wrap(v3).getInt(4));
        SnapshotChain.Transcript uninterrupted = new SnapshotChain.Transcript();
        Engine engine = engineWithState(ABC, uninterrupted);
        long next = sequence;
        engine.offer(event("k1", "C", 1_400, null));
        engine.finish();

        sequence = next;
        SnapshotChain.Transcript restored = new SnapshotChain.Transcript();
        Engine again = restore(ABC, config(), restored, v3).engine();
        again.offer(event("k1", "C", 1_400, null));
        again.finish();
        assertEquals(1, restored.alerts);
        assertEquals(uninterrupted.lines, restored.lines);
    }

    /** Events named by their source keep their identity through a snapshot: the alert id is the same. */
    @Test
    void identitiesOfHeldEventsSurviveASnapshot() throws IOException {
        SnapshotChain.Transcript uninterrupted = new SnapshotChain.Transcript();
        SnapshotChain.Transcript restored = new SnapshotChain.Transcript();
        Engine engine = new Engine(EngineSnapshotTest.compile(ABC), config(), uninterrupted);
        engine.offer(named("k1", "A", 1_000, 1, -7_000_000_000_000_000_001L));
        engine.offer(named("k1", "B", 1_010, 2, 42));
        byte[] bytes = SnapshotChain.snapshot(engine);
        engine.offer(named("k1", "C", 1_020, 3, Long.MIN_VALUE));
        engine.finish();

        Engine again = restore(ABC, config(), restored, bytes).engine();
        again.offer(named("k1", "C", 1_020, 3, Long.MIN_VALUE));
        again.finish();
        assertEquals(1, restored.alerts);
        assertEquals(uninterrupted.lines, restored.lines);
        assertTrue(restored.lines.get(0).contains("events@1000#1~-7000000000000000001"), restored.lines.get(0));
        assertArrayEquals(bytes, SnapshotChain.snapshot(restore(ABC, config(), new SnapshotChain.Transcript(),
                bytes).engine()));
    }

    private static Event named(String key, String type, long ts, long sequence, long identity) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        return new Event("events", ts, sequence, identity, fields);
    }

    @Test
    void snapshotOfARestoredEngineHasTheSameBytes() throws IOException {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC + AB, new SnapshotChain.Transcript()));
        Engine restored = restore(ABC + AB, config(), new SnapshotChain.Transcript(), bytes).engine();
        assertArrayEquals(bytes, SnapshotChain.snapshot(restored));
    }

    @Test
    void changedRuleStartsEmptyAndIsReportedWhileUnchangedRulesKeepTheirState() throws IOException {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC + AB, new SnapshotChain.Transcript()));
        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine.Restored restored = restore(ABC_CHANGED + AB, config(), after, bytes);

        assertEquals(List.of(new RuleReset("abc", "its conditions changed since the snapshot")), restored.reset());
        restored.engine().offer(event("k2", "B", 1_500, null));
        restored.engine().offer(event("k2", "D", 1_600, null));
        restored.engine().finish();
        List<String> rules = new ArrayList<>();
        for (String line : after.lines) {
            rules.add(line.split(" ")[2] + " " + line.substring(line.indexOf("key=")).split(" ")[0]);
        }
        // ab kept k1's and k2's partial matches; abc lost them, and its new version sees only new events
        assertEquals(List.of("ab key=k1", "ab key=k2"), rules);
    }

    @Test
    void changedConditionIsAChangedShape() throws IOException {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC, new SnapshotChain.Transcript()));
        String changed = ABC.replace("a AS type = 'A'", "a AS type = 'A' AND value >= 0");
        Engine.Restored restored = restore(changed, config(), new SnapshotChain.Transcript(), bytes);
        assertEquals(List.of(new RuleReset("abc", "its conditions changed since the snapshot")), restored.reset());
    }

    @Test
    void newEmitKeepsTheState() throws IOException {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC, new SnapshotChain.Transcript()));
        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine.Restored restored = restore(ABC_NEW_EMIT, config(), after, bytes);
        assertEquals(List.of(), restored.reset());
        restored.engine().offer(event("k1", "C", 1_400, null));
        restored.engine().finish();
        assertTrue(after.lines.get(0).contains("fields={start=0, payload=p1}"), after.lines.get(0));
    }

    @Test
    void ruleNotInTheSnapshotIsReportedAndRuleNotDeployedAnyMoreIsDropped() throws IOException {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC, new SnapshotChain.Transcript()));
        Engine.Restored restored = restore(AB, config(), new SnapshotChain.Transcript(), bytes);
        assertEquals(List.of(new RuleReset("ab", "not in the snapshot")), restored.reset());
        assertEquals(List.of("ab"), restored.engine().ruleNames());
        assertEquals(1_199, restored.engine().watermark("events"));
    }

    @Test
    void changedRuleReceivesTheEventsItsOldVersionHeldForTheWatermark() throws IOException {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(AB, new SnapshotChain.Transcript()));
        String changed = AB.replace("WITHIN 10 SECONDS", "WITHIN 20 SECONDS");
        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine.Restored restored = restore(changed, config(), after, bytes);
        assertEquals(List.of(new RuleReset("ab", "its pattern changed since the snapshot")), restored.reset());
        restored.engine().offer(event("k1", "A", 1_250, null));
        restored.engine().offer(event("k1", "B", 1_260, null));
        restored.engine().finish();
        // the old version's k1 "A" at 1_000 is gone with its partial matches; its waiting "B" at 1_200 came over
        assertEquals(1, after.alerts);
        assertTrue(after.lines.get(0).contains("events@1250#") && after.lines.get(0).contains("events@1260#"),
                after.lines.get(0));
        assertEquals(4, restored.engine().counters().rules().get(0).eventsIn(), "handed-over B plus three new");
    }

    @Test
    void eachEventIsWrittenOnceHoweverManyRulesAndRunsHoldIt() {
        String twice = ABC + AB + AB.replace("RULE ab", "RULE ab2");
        Engine engine = new Engine(EngineSnapshotTest.compile(twice), config(), new SnapshotChain.Transcript());
        engine.offer(event("k1", "A", 1_000, "unique-marker-7f3a"));
        engine.offer(event("k1", "X", 1_200, null));
        byte[] bytes = SnapshotChain.snapshot(engine);
        assertEquals(1, occurrences(bytes, "unique-marker-7f3a".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fieldValuesComeBackWithTheirExactTypes() throws IOException {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("int", 7);
        nested.put("long", 7L);
        nested.put("short", (short) 3);
        nested.put("byte", (byte) -2);
        nested.put("float", 1.5f);
        nested.put("double", -0.0);
        nested.put("nan", Double.NaN);
        nested.put("big", new BigInteger("123456789012345678901234567890"));
        nested.put("decimal", new BigDecimal("-12.3400"));
        nested.put("text", "lone \ud800 surrogate, é, \u20ac, \ud83d\ude00, \u0000");
        nested.put("list", Arrays.asList(1L, null, List.of(true, false), Map.of("x", "y")));
        nested.put("null", null);
        SnapshotChain.Transcript before = new SnapshotChain.Transcript();
        Engine engine = new Engine(EngineSnapshotTest.compile(ABC), config(), before);
        engine.offer(event("k1", "A", 1_000, nested));
        engine.offer(event("k1", "X", 1_200, null));

        SnapshotChain.Transcript after = new SnapshotChain.Transcript();
        Engine restored = restore(ABC, config(), after, SnapshotChain.snapshot(engine)).engine();
        restored.offer(event("k1", "B", 1_300, null));
        restored.offer(event("k1", "C", 1_301, null));
        restored.finish();
        assertEquals(1, after.alerts);
        assertTrue(after.lines.get(0).contains("payload=" + nested), after.lines.get(0));
        List<String> captured = new ArrayList<>();
        Engine again = restore(ABC, config(), new SnapshotChain.Transcript() {
            @Override
            public void onAlert(dev.vigil.nfa.Alert alert) {
                Object payload = alert.fields().get("payload");
                captured.add(String.valueOf(payload.equals(nested)));
                Map<?, ?> map = (Map<?, ?>) payload;
                for (Map.Entry<?, ?> field : map.entrySet()) {
                    captured.add(field.getKey() + ":" + (field.getValue() == null ? "null"
                            : field.getValue().getClass().getSimpleName()));
                }
            }
        }, SnapshotChain.snapshot(engine)).engine();
        again.offer(event("k1", "B", 1_300, null));
        again.offer(event("k1", "C", 1_301, null));
        again.finish();
        assertEquals(List.of("true", "int:Integer", "long:Long", "short:Short", "byte:Byte", "float:Float",
                "double:Double", "nan:Double", "big:BigInteger", "decimal:BigDecimal", "text:String",
                "list:ArrayList", "null:null"), captured);
    }

    @Test
    void anotherFormatVersionIsRejectedNamingTheVersionsRead() {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC, new SnapshotChain.Transcript()));
        ByteBuffer.wrap(bytes).putInt(4, 99);
        SnapshotFormatException thrown = assertThrows(SnapshotFormatException.class,
                () -> restore(ABC, config(), new SnapshotChain.Transcript(), bytes));
        assertEquals("engine snapshot format version 99 is not supported: this engine reads versions 1 to "
                + EngineSnapshot.VERSION, thrown.getMessage());
    }

    @Test
    void somethingElseIsNotASnapshot() {
        byte[] text = "{\"not\": \"a snapshot\"}".getBytes(StandardCharsets.UTF_8);
        SnapshotFormatException thrown = assertThrows(SnapshotFormatException.class,
                () -> restore(ABC, config(), new SnapshotChain.Transcript(), text));
        assertTrue(thrown.getMessage().startsWith("not an engine snapshot"), thrown.getMessage());
        assertThrows(SnapshotFormatException.class,
                () -> restore(ABC, config(), new SnapshotChain.Transcript(), new byte[3]));
    }

    @Test
    void everyDamagedOrTruncatedSnapshotIsRejectedClearly() {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC + AB, new SnapshotChain.Transcript()));
        for (int at = 8; at < bytes.length; at++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] damaged = bytes.clone();
                damaged[at] ^= (byte) bit;
                SnapshotFormatException thrown = assertThrows(SnapshotFormatException.class,
                        () -> restore(ABC + AB, config(), new SnapshotChain.Transcript(), damaged),
                        "flipping bit " + bit + " of byte " + at);
                assertTrue(thrown.getMessage().startsWith("corrupt snapshot")
                        || thrown.getMessage().startsWith("snapshot ends early")
                        || thrown.getMessage().startsWith("the snapshot"), thrown.getMessage());
            }
        }
        for (int length = 8; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThrows(SnapshotFormatException.class,
                    () -> restore(ABC + AB, config(), new SnapshotChain.Transcript(), truncated),
                    "truncated to " + length + " bytes");
        }
    }

    @Test
    void snapshotOfAnotherTimeModeOrSliceIsRejected() {
        byte[] bytes = SnapshotChain.snapshot(engineWithState(ABC, new SnapshotChain.Transcript()));
        SnapshotFormatException mode = assertThrows(SnapshotFormatException.class, () -> restore(ABC,
                config().withTimeMode(EngineConfig.TimeMode.PROCESSING), new SnapshotChain.Transcript(), bytes));
        assertEquals("the snapshot was taken in event time; this engine runs in processing time", mode.getMessage());
        SnapshotFormatException slice = assertThrows(SnapshotFormatException.class, () -> restore(ABC,
                config().withSlice(new KeySlice(0, 2)), new SnapshotChain.Transcript(), bytes));
        assertEquals("the snapshot holds the keys of slice 0 of 1; this engine owns slice 0 of 2", slice.getMessage());
    }

    private static int occurrences(byte[] haystack, byte[] needle) {
        int count = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                count++;
            }
        }
        return count;
    }
}

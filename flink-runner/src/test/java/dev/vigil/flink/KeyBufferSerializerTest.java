package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.runtime.KeyMatches;
import dev.vigil.nfa.runtime.KeyStateFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A key's value in the keyed operator's state comes back whole through Flink's serialization, its partial matches
 * as the engine's key-state bytes whether they were held as bytes or decoded; a copy (the heap backend's copy on
 * write during a checkpoint) does not change when the key's next visit changes the original in place.
 */
class KeyBufferSerializerTest {
    private static final VigilRules RULES = VigilRules.of(List.of(new VigilRules.RuleFile("pair.cep", """
            RULE pair FROM s PARTITION BY k
              PATTERN a -> b -> c WITHIN 1 MINUTE
              DEFINE a AS kind = 'a', b AS kind = 'b', c AS kind = 'c';
            """)));
    private static final CompiledRule RULE = RULES.compile().rules().get(0);

    @Test
    void aKeysValueComesBackWholeItsPartialMatchesAsTheirBytes() throws IOException {
        KeyedRule rule = keyed(new ArrayList<>());
        KeyStateFormat format = KeyedRule.format(RULE);
        KeyMatches held = rule.advance((KeyMatches) null, List.of(event(1, 1_000, "a")), 1_000);
        byte[] bytes = held.encode(format);

        KeyBuffer buffer = new KeyBuffer();
        buffer.hold(event(3, 5_000, "c"), 3L);
        buffer.hold(event(2, 4_000, "b"), 2L);
        buffer.wakeAt = 4_000;
        buffer.routedUnder = 7;
        buffer.rules.put("pair", RuleMatches.ofDecoded(RULE, held));
        KeyBuffer back = roundTrip(buffer);

        assertEquals(buffer.waiting.toString(), back.waiting.toString());
        assertEquals(List.of(3L, 2L), back.generations, "each event with the generation it was routed under");
        assertEquals(4_000, back.wakeAt);
        assertEquals(7, back.routedUnder);
        assertEquals(List.of("pair"), new ArrayList<>(back.rules.keySet()));
        assertArrayEquals(bytes, back.rules.get("pair").bytes(), "decoded on the heap, written as the bytes");
        assertArrayEquals(bytes, roundTrip(back).rules.get("pair").bytes(), "held as bytes, written as they are");
    }

    @Test
    void aCopyStaysAsItWasWhileTheKeysNextVisitChangesTheOriginal() throws IOException {
        List<Alert> alerts = new ArrayList<>();
        KeyedRule rule = keyed(alerts);
        KeyStateFormat format = KeyedRule.format(RULE);
        KeyMatches held = rule.advance((KeyMatches) null, List.of(event(1, 1_000, "a")), 1_000);
        KeyBuffer original = new KeyBuffer();
        original.rules.put("pair", RuleMatches.ofDecoded(RULE, held));
        byte[] before = held.encode(format);

        KeyBuffer copy = KeyBufferSerializer.INSTANCE.copy(original);
        KeyMatches changed = rule.advance(original.rules.get("pair").decoded(RULE, format),
                List.of(event(2, 2_000, "b")), 2_000);

        assertTrue(changed == held, "a visit changes the decoded state in place");
        assertFalse(java.util.Arrays.equals(before, original.rules.get("pair").bytes()));
        assertArrayEquals(before, copy.rules.get("pair").bytes());
        KeyMatches fromCopy = copy.rules.get("pair").decoded(RULE, format);
        rule.advance(fromCopy, List.of(event(3, 3_000, "c")), 3_000);   // the copy goes on from a alone
        assertTrue(alerts.isEmpty(), "a then c is no match: " + alerts);
    }

    @Test
    void theSnapshotRestoresTheSameSerializer() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, KeyBufferSerializer.INSTANCE.snapshotConfiguration());
        TypeSerializerSnapshot<KeyBuffer> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializer<KeyBuffer> restored = read.restoreSerializer();
        assertEquals(KeyBufferSerializer.INSTANCE, restored);
        assertTrue(KeyBufferSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read)
                .isCompatibleAsIs());
    }

    private static KeyedRule keyed(List<Alert> alerts) {
        return new KeyedRule(RULE, RULES.engineConfig(), new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert);
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError(late);
            }
        });
    }

    private static Event event(long sequence, long ts, String kind) {
        return new Event("s", ts, sequence, Map.of("k", "k1", "kind", kind));
    }

    private static KeyBuffer roundTrip(KeyBuffer buffer) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        KeyBufferSerializer.INSTANCE.serialize(buffer, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        KeyBuffer back = KeyBufferSerializer.INSTANCE.deserialize(in);
        assertEquals(0, in.available(), "every byte read");
        return back;
    }
}

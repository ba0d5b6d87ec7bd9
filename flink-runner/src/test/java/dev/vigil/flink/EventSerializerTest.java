package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventFields;
import dev.vigil.nfa.FieldNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Events through Flink's serialization keep every field, type and order; other values are refused by name. */
class EventSerializerTest {

    @Test
    void anEventComesBackWithEveryValueTypeAndFieldOrder() throws IOException {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("site", "berlin");
        device.put("id", "gw-1");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stream", "heartbeats");
        fields.put("zeta", null);
        fields.put("count", 7L);
        fields.put("ratio", 7.0);
        fields.put("negative zero", -0.0);
        fields.put("ok", true);
        fields.put("off", false);
        fields.put("device", device);
        fields.put("tags", new ArrayList<>(Arrays.asList("a", 1L, null, List.of(2.5))));
        fields.put("long text", "x".repeat(70_000) + "é€😀");
        Event event = new Event("heartbeats", 1_794_643_200_000L, 42, 9_000_000_001L, fields);

        Event back = roundTrip(event);

        assertEquals(event.toString(), back.toString());
        assertEquals(new ArrayList<>(fields.keySet()), new ArrayList<>(back.fields().keySet()));
        assertEquals(new ArrayList<>(device.keySet()),
                new ArrayList<>(((Map<?, ?>) back.field("device")).keySet()));
        assertEquals(Long.class, back.field("count").getClass());
        assertEquals(Double.class, back.field("ratio").getClass());
        assertEquals(-0.0, (Double) back.field("negative zero"));
        assertEquals(42, back.sequence());
        assertEquals(9_000_000_001L, back.identity());
    }

    @Test
    void eventsWithTheSameFieldNamesShareThemWhateverCameBetween() throws IOException {
        Event a1 = event("a", "key", "k1", "type", "A");
        Event b1 = event("b", "key", "k2", "other", 3L);
        Event a2 = event("a", "key", "k3", "type", "B");
        Event c1 = event("a", "key", "k4", "kind", "C");   // the first name alike, the second not
        Event empty = new Event("a", 5, 5, Map.of());
        List<Event> sent = List.of(a1, b1, a2, c1, empty, a1, b1);
        List<Event> back = new ArrayList<>();
        for (Event event : sent) {
            back.add(roundTrip(event));
        }
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i).toString(), back.get(i).toString());
            assertEquals(new ArrayList<>(sent.get(i).fields().keySet()),
                    new ArrayList<>(back.get(i).fields().keySet()));
        }
        assertSame(names(back.get(0)), names(back.get(2)));
        assertSame(names(back.get(0)), names(back.get(5)));
        assertSame(names(back.get(1)), names(back.get(6)));
        assertNotSame(names(back.get(0)), names(back.get(3)));
        assertEquals("k4", back.get(3).field("key"));
        assertEquals("C", back.get(3).field("kind"));
        assertEquals(null, back.get(3).field("type"));
        assertSame(back.get(0).stream(), back.get(5).stream());
    }

    private static Event event(String stream, String first, Object firstValue, String second, Object secondValue) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(first, firstValue);
        fields.put(second, secondValue);
        return new Event(stream, 1, 1, fields);
    }

    private static FieldNames names(Event event) {
        return ((EventFields) event.fields()).names();
    }

    @Test
    void aValueThatIsNoJsonValueIsRefusedByItsType() {
        Event event = new Event("s", 1, 1, Map.of("when", java.time.Instant.EPOCH));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> roundTrip(event));
        assertTrue(refused.getMessage().contains("java.time.Instant"), refused.getMessage());
    }

    @Test
    void theSnapshotRestoresTheSameSerializer() throws IOException {
        TypeSerializerSnapshot<Event> snapshot = EventSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<Event> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializer<Event> restored = read.restoreSerializer();
        assertEquals(EventSerializer.INSTANCE, restored);
        TypeSerializerSchemaCompatibility<Event> compatibility =
                EventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertTrue(compatibility.isCompatibleAsIs());
    }

    private static Event roundTrip(Event event) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        EventSerializer.INSTANCE.serialize(event, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        Event back = EventSerializer.INSTANCE.deserialize(in);
        assertEquals(0, in.available(), "every byte read");
        return back;
    }
}

package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
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

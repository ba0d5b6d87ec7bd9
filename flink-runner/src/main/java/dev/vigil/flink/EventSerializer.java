package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes an {@link Event} for Flink (between tasks, in keyed state, in checkpoints and savepoints) without Kryo:
 * stream, time, sequence, identity, then the fields as tagged JSON values (null, string, long, double, boolean,
 * object with its fields in order, array). Events are immutable, so copies are the events themselves.
 */
public final class EventSerializer extends TypeSerializerSingleton<Event> {
    private static final long serialVersionUID = 1L;

    public static final EventSerializer INSTANCE = new EventSerializer();

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte FALSE = 4;
    private static final byte TRUE = 5;
    private static final byte OBJECT = 6;
    private static final byte ARRAY = 7;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Event createInstance() {
        return new Event("", 0, 0, Map.of());
    }

    @Override
    public Event copy(Event from) {
        return from;
    }

    @Override
    public Event copy(Event from, Event reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Event event, DataOutputView out) throws IOException {
        writeString(event.stream(), out);
        out.writeLong(event.timestamp());
        out.writeLong(event.sequence());
        out.writeLong(event.identity());
        writeObject(event.fields(), out);
    }

    @Override
    public Event deserialize(DataInputView in) throws IOException {
        String stream = readString(in);
        long timestamp = in.readLong();
        long sequence = in.readLong();
        long identity = in.readLong();
        return new Event(stream, timestamp, sequence, identity, readObject(in));
    }

    @Override
    public Event deserialize(Event reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Event> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeObject(Map<?, ?> object, DataOutputView out) throws IOException {
        out.writeInt(object.size());
        for (Map.Entry<?, ?> field : object.entrySet()) {
            writeString((String) field.getKey(), out);
            writeValue(field.getValue(), out);
        }
    }

    private static void writeValue(Object value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String text) {
            out.writeByte(STRING);
            writeString(text, out);
        } else if (value instanceof Long number) {
            out.writeByte(LONG);
            out.writeLong(number);
        } else if (value instanceof Double number) {
            out.writeByte(DOUBLE);
            out.writeDouble(number);
        } else if (value instanceof Boolean bool) {
            out.writeByte(bool ? TRUE : FALSE);
        } else if (value instanceof Map<?, ?> object) {
            out.writeByte(OBJECT);
            writeObject(object, out);
        } else if (value instanceof List<?> array) {
            out.writeByte(ARRAY);
            out.writeInt(array.size());
            for (Object element : array) {
                writeValue(element, out);
            }
        } else {
            throw new IllegalArgumentException("an event field holds a " + value.getClass().getName()
                    + ", not a JSON value (null, string, long, double, boolean, object or array)");
        }
    }

    private static Map<String, Object> readObject(DataInputView in) throws IOException {
        int size = in.readInt();
        Map<String, Object> object = new LinkedHashMap<>(Math.max(4, size * 4 / 3 + 1));
        for (int i = 0; i < size; i++) {
            String name = readString(in);
            object.put(name, readValue(in));
        }
        return object;
    }

    private static Object readValue(DataInputView in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return readString(in);
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case OBJECT:
                return readObject(in);
            case ARRAY:
                int size = in.readInt();
                List<Object> array = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    array.add(readValue(in));
                }
                return array;
            default:
                throw new IOException("corrupt event: unknown value tag " + tag);
        }
    }

    /** Strings of any length ({@code writeUTF} stops at 65,535 bytes): length, then UTF-8 bytes. */
    private static void writeString(String text, DataOutputView out) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The serializer has no parameters: its snapshot names the class, and every version reads every other's. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Event> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

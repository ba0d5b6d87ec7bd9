package dev.vigil.flink;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.FieldNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Reading, the events of a stream mostly have the same fields in the same order: each thread remembers the last
 * event's stream and field names ({@link Shapes}), and an event whose names are those gets the same name strings
 * and a compact field map sharing them ({@link FieldNames}, where the engine's field reads find a field by
 * reference); only other events build names of their own. The bytes are the same either way.
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
        Shapes shapes = SHAPES.get();
        String stream = shapes.stream(in);
        long timestamp = in.readLong();
        long sequence = in.readLong();
        long identity = in.readLong();
        return new Event(stream, timestamp, sequence, identity, shapes.fields(in));
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

    private static final ThreadLocal<Shapes> SHAPES = ThreadLocal.withInitial(Shapes::new);

    /**
     * What one thread read lately: up to {@link #KEPT} stream names and as many sets of field names (the events of a
     * few streams, interleaved), as strings and as their UTF-8 bytes, the latest first, so that the next event with
     * the same ones reuses them. Names are compared by their bytes, read into a buffer.
     */
    private static final class Shapes {
        private static final int KEPT = 8;
        private byte[] buffer = new byte[64];
        private final String[] streams = new String[KEPT];
        private final byte[][] streamBytes = new byte[KEPT][];
        private final FieldNames[] names = new FieldNames[KEPT];
        private final byte[][][] nameBytes = new byte[KEPT][][];

        /** A string read into {@link #buffer}: its length. */
        private int read(DataInputView in) throws IOException {
            int length = in.readInt();
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, buffer.length * 2)];
            }
            in.readFully(buffer, 0, length);
            return length;
        }

        private boolean same(int length, byte[] known) {
            return known != null && Arrays.equals(buffer, 0, length, known, 0, known.length);
        }

        String stream(DataInputView in) throws IOException {
            int length = read(in);
            int found = 0;
            while (found < KEPT && streams[found] != null && !same(length, streamBytes[found])) {
                found++;
            }
            if (found == KEPT || streams[found] == null) {
                found = Math.min(found, KEPT - 1);   // a new name takes the last place, then moves to the front
                streamBytes[found] = Arrays.copyOf(buffer, length);
                streams[found] = new String(streamBytes[found], StandardCharsets.UTF_8);
            }
            toFront(streams, found);
            toFront(streamBytes, found);
            return streams[0];
        }

        /** The top-level fields: sharing the names of an earlier event with the same ones. */
        Map<String, Object> fields(DataInputView in) throws IOException {
            int size = in.readInt();
            if (size == 0) {
                return Map.of();
            }
            Object[] values = new Object[size];
            int shape = -1;           // the kept names this event's match so far
            String[] fresh = null;    // this event's names, once they match no kept ones
            for (int i = 0; i < size; i++) {
                int length = read(in);
                if (i == 0) {
                    shape = find(size, length, -1, 0);
                } else if (shape >= 0 && !same(length, nameBytes[shape][i])) {
                    int other = find(size, length, shape, i);
                    if (other < 0) {
                        fresh = new String[size];
                        for (int j = 0; j < i; j++) {
                            fresh[j] = names[shape].name(j);
                        }
                    }
                    shape = other;
                }
                if (shape < 0) {
                    fresh = fresh == null ? new String[size] : fresh;
                    fresh[i] = new String(buffer, 0, length, StandardCharsets.UTF_8);
                }
                values[i] = readValue(in);
            }
            if (shape < 0) {
                shape = KEPT - 1;   // new names take the last place, then move to the front
                names[shape] = FieldNames.of(fresh);
                nameBytes[shape] = new byte[size][];
                for (int i = 0; i < size; i++) {
                    nameBytes[shape][i] = names[shape].name(i).getBytes(StandardCharsets.UTF_8);
                }
            }
            toFront(names, shape);
            toFront(nameBytes, shape);
            return names[0].fields(values);
        }

        /**
         * The kept names of {@code size} fields whose {@code i}-th is the one in the buffer and whose earlier ones are
         * those of {@code matched} (matched so far); -1 when none.
         */
        private int find(int size, int length, int matched, int i) {
            for (int k = 0; k < KEPT && names[k] != null; k++) {
                if (names[k].size() == size && same(length, nameBytes[k][i]) && sameStart(k, matched, i)) {
                    return k;
                }
            }
            return -1;
        }

        /** Whether the first {@code i} names of {@code k} and {@code matched} are the same (interned: by reference). */
        private boolean sameStart(int k, int matched, int i) {
            for (int j = 0; j < i; j++) {
                if (names[k].name(j) != names[matched].name(j)) {
                    return false;
                }
            }
            return true;
        }

        private static <T> void toFront(T[] kept, int at) {
            T moved = kept[at];
            System.arraycopy(kept, 0, kept, 1, at);
            kept[0] = moved;
        }
    }

    /** The serializer has no parameters: its snapshot names the class, and every version reads every other's. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Event> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

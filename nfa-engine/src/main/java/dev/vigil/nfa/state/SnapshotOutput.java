package dev.vigil.nfa.state;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.runtime.PartitionKey;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The primitive layer of a snapshot being written: varints, strings, names, field values and events (each
 * event once, then by number), into a 64 KiB buffer flushed to the {@link DataOutput} as length-prefixed chunks
 * with a running CRC-32. Writing through a buffer instead of the {@code DataOutput} byte by byte keeps the cost
 * per key at a few array stores. The format is described in {@code package-info.java}.
 *
 * <p><b>Not thread-safe:</b> one per snapshot.
 */
final class SnapshotOutput {
    static final int CHUNK = 1 << 16;
    /** Field and stream names kept for reference by number; names beyond it are written out each time. */
    static final int MAX_NAMES = 4096;

    private final DataOutput out;
    private final byte[] buffer = new byte[CHUNK];
    private int position;
    private boolean flushed;
    private final CRC32 crc = new CRC32();
    private final IdentityNumbers events;
    private final Map<String, Integer> names = new HashMap<>();

    SnapshotOutput(DataOutput out, int expectedEvents) {
        this.out = out;
        this.events = new IdentityNumbers(expectedEvents);
    }

    /** The events written so far (each once). */
    int eventCount() {
        return events.size();
    }

    /** Starts over on an empty output: no chunk written, no event or name numbered (for one key after another). */
    void reset() {
        position = 0;
        flushed = false;
        crc.reset();
        events.clear();
        names.clear();
    }

    /**
     * {@code prefix} followed by what was written since the last {@link #reset} (which must still be in the
     * buffer), unframed: a key of a serialized state store ({@link dev.vigil.nfa.KeyStore}).
     */
    byte[] unframed(byte[] prefix) {
        if (flushed) {
            throw new IllegalArgumentException("a partition key takes more than " + CHUNK + " bytes");
        }
        byte[] bytes = Arrays.copyOf(prefix, prefix.length + position);
        System.arraycopy(buffer, 0, bytes, prefix.length, position);
        return bytes;
    }

    /** Ends the chunk stream: a zero length, then the CRC-32 of every chunk's bytes. */
    void finish() throws IOException {
        flush();
        out.writeInt(0);
        out.writeInt((int) crc.getValue());
    }

    private void flush() throws IOException {
        if (position > 0) {
            flushed = true;
            crc.update(buffer, 0, position);
            out.writeInt(position);
            out.write(buffer, 0, position);
            position = 0;
        }
    }

    private void room(int bytes) throws IOException {
        if (position + bytes > CHUNK) {
            flush();
        }
    }

    void writeBoolean(boolean value) throws IOException {
        writeByte(value ? 1 : 0);
    }

    void writeByte(int value) throws IOException {
        room(1);
        buffer[position++] = (byte) value;
    }

    /** An unsigned LEB128 varint (a negative int takes five bytes). */
    void writeVarInt(int value) throws IOException {
        room(5);
        while ((value & ~0x7F) != 0) {
            buffer[position++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
    }

    /** A signed long, zigzag then LEB128: small magnitudes of either sign are short. */
    void writeLong(long value) throws IOException {
        room(10);
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        buffer[position++] = (byte) zigzag;
    }

    void writeFixedLong(long value) throws IOException {
        room(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (value >>> shift);
        }
    }

    void writeFixedInt(int value) throws IOException {
        room(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (value >>> shift);
        }
    }

    void writeBytes(byte[] bytes) throws IOException {
        writeVarInt(bytes.length);
        for (byte b : bytes) {
            writeByte(b);
        }
    }

    /**
     * A string as its UTF-16 length and each char in one to three bytes (UTF-8 style, surrogates encoded one by
     * one), so that any Java string, even one with a lone surrogate, comes back equal.
     */
    void writeString(String text) throws IOException {
        int length = text.length();
        writeVarInt(length);
        boolean fits = length <= CHUNK / 3;
        if (fits) {
            room(length * 3);   // one check for the whole string instead of one per char
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!fits) {
                room(3);
            }
            if (c < 0x80) {
                buffer[position++] = (byte) c;
            } else if (c < 0x800) {
                buffer[position++] = (byte) (0xC0 | (c >> 6));
                buffer[position++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buffer[position++] = (byte) (0xE0 | (c >> 12));
                buffer[position++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[position++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** A name (stream, field, rule): by number when written before, else inline and numbered. */
    void writeName(String name) throws IOException {
        Integer number = names.get(name);
        if (number != null) {
            writeVarInt(number + 1);
            return;
        }
        writeVarInt(0);
        writeString(name);
        if (names.size() < MAX_NAMES) {
            names.put(name, names.size());
        }
    }

    /** A version (Dewey number): length, then digits. */
    void writeVersion(int[] version) throws IOException {
        writeVarInt(version.length);
        for (int digit : version) {
            writeVarInt(digit);
        }
    }

    /** An event: by number when this snapshot wrote it before, else 0 and its body (it gets the next number). */
    void writeEvent(Event event) throws IOException {
        int number = events.get(event);
        if (number >= 0) {
            writeVarInt(number + 1);
            return;
        }
        events.add(event);
        writeVarInt(0);
        writeName(event.stream());
        writeLong(event.timestamp());
        writeLong(event.sequence());
        writeLong(event.identity() - event.sequence());   // one byte for an event that is named by its number
        writeMap(event.fields());
    }

    /** A partition key as the engine holds it: a value, or the global or null key's marker. */
    void writeKey(Object key) throws IOException {
        if (key == PartitionKey.GLOBAL) {
            writeByte(ValueTags.GLOBAL_KEY);
        } else if (key == PartitionKey.NULL) {
            writeByte(ValueTags.NULL_KEY);
        } else {
            writeValue(key);
        }
    }

    /** A field value: one tag byte per value, then its payload (see {@link ValueTags}). */
    void writeValue(Object value) throws IOException {
        if (value == null) {
            writeByte(ValueTags.NULL);
        } else if (value instanceof String text) {
            writeByte(ValueTags.STRING);
            writeString(text);
        } else if (value instanceof Long number) {
            writeByte(ValueTags.LONG);
            writeLong(number);
        } else if (value instanceof Double number) {
            writeByte(ValueTags.DOUBLE);
            writeFixedLong(Double.doubleToRawLongBits(number));
        } else if (value instanceof Boolean bool) {
            writeByte(bool ? ValueTags.TRUE : ValueTags.FALSE);
        } else if (value instanceof Map<?, ?> map) {
            writeByte(ValueTags.MAP);
            writeMap(map);
        } else if (value instanceof List<?> list) {
            writeByte(ValueTags.LIST);
            writeVarInt(list.size());
            for (Object element : list) {
                writeValue(element);
            }
        } else if (value instanceof Integer number) {
            writeByte(ValueTags.INT);
            writeLong(number);
        } else if (value instanceof Short number) {
            writeByte(ValueTags.SHORT);
            writeLong(number);
        } else if (value instanceof Byte number) {
            writeByte(ValueTags.BYTE);
            writeLong(number);
        } else if (value instanceof Float number) {
            writeByte(ValueTags.FLOAT);
            writeFixedInt(Float.floatToRawIntBits(number));
        } else if (value instanceof BigInteger number) {
            writeByte(ValueTags.BIG_INTEGER);
            writeBytes(number.toByteArray());
        } else if (value instanceof BigDecimal number) {
            writeByte(ValueTags.BIG_DECIMAL);
            writeBytes(number.unscaledValue().toByteArray());
            writeLong(number.scale());
        } else {
            throw new IllegalArgumentException("an event field holds a " + value.getClass().getName()
                    + ", which a snapshot cannot hold (fields are JSON values: null, boolean, number, string,"
                    + " list, object)");
        }
    }

    private void writeMap(Map<?, ?> map) throws IOException {
        writeVarInt(map.size());
        for (Map.Entry<?, ?> field : map.entrySet()) {
            if (!(field.getKey() instanceof String name)) {
                throw new IllegalArgumentException("an event field map has the non-text key " + field.getKey());
            }
            writeName(name);
            writeValue(field.getValue());
        }
    }
}

package dev.vigil.nfa.state;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.runtime.PartitionKey;
import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads what {@link SnapshotOutput} wrote: chunk by chunk from the {@link DataInput} (so the input is read with
 * a few large reads, not byte by byte), checking the CRC-32 at the end. Every malformed value throws
 * {@link SnapshotFormatException} saying what was wrong; the input is left just after the snapshot.
 *
 * <p><b>Not thread-safe:</b> one per restore.
 */
final class SnapshotInput {
    private static final int MAX_CHUNK = 1 << 20;
    private static final int MAX_LENGTH = 1 << 28;

    private DataInput in;
    /** The format version read ({@link EngineSnapshot#VERSION} or older): events of version 3 and below have no identity. */
    private final int version;
    private byte[] buffer = new byte[SnapshotOutput.CHUNK];
    private int position;
    private int limit;
    private boolean ended;
    private final CRC32 crc = new CRC32();
    private final List<Event> events = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private char[] chars = new char[64];

    SnapshotInput(DataInput in, int version) {
        this.in = in;
        this.version = version;
    }

    /** Starts over on another input (one key's value after another), keeping the buffers. */
    void reset(DataInput next) {
        in = next;
        position = 0;
        limit = 0;
        ended = false;
        crc.reset();
        events.clear();
        names.clear();
    }

    /** Checks that the payload ends here and that its checksum is right. */
    void finish() throws IOException {
        if (position != limit || (!ended && nextChunk())) {
            throw new SnapshotFormatException("corrupt snapshot: data after the last rule");
        }
        int expected = readInt();
        if (expected != (int) crc.getValue()) {
            throw new SnapshotFormatException("corrupt snapshot: checksum mismatch (stored " + Integer.toHexString(expected)
                    + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
        }
    }

    /** Reads the next chunk; false at the end marker. */
    private boolean nextChunk() throws IOException {
        if (ended) {
            return false;
        }
        int length = readInt();
        if (length == 0) {
            ended = true;
            return false;
        }
        if (length < 0 || length > MAX_CHUNK) {
            throw new SnapshotFormatException("corrupt snapshot: chunk length " + length);
        }
        if (buffer.length < length) {
            buffer = new byte[length];
        }
        try {
            in.readFully(buffer, 0, length);
        } catch (EOFException truncated) {
            throw new SnapshotFormatException("snapshot ends early: it is truncated", truncated);
        }
        crc.update(buffer, 0, length);
        position = 0;
        limit = length;
        return true;
    }

    private int readInt() throws IOException {
        try {
            return in.readInt();
        } catch (EOFException truncated) {
            throw new SnapshotFormatException("snapshot ends early: it is truncated", truncated);
        }
    }

    int readByte() throws IOException {
        if (position == limit && !nextChunk()) {
            throw new SnapshotFormatException("corrupt snapshot: its data ends before its last rule");
        }
        return buffer[position++] & 0xFF;
    }

    boolean readBoolean() throws IOException {
        int value = readByte();
        if (value > 1) {
            throw new SnapshotFormatException("corrupt snapshot: " + value + " where a flag (0 or 1) belongs");
        }
        return value == 1;
    }

    int readVarInt() throws IOException {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new SnapshotFormatException("corrupt snapshot: a number runs over five bytes");
    }

    /** A count or length: a varint between 0 and a sane bound. */
    int readCount(String what) throws IOException {
        int count = readVarInt();
        if (count < 0 || count > MAX_LENGTH) {
            throw new SnapshotFormatException("corrupt snapshot: " + what + " " + count);
        }
        return count;
    }

    long readLong() throws IOException {
        long zigzag = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte();
            zigzag |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (zigzag >>> 1) ^ -(zigzag & 1);
            }
        }
        throw new SnapshotFormatException("corrupt snapshot: a number runs over ten bytes");
    }

    long readFixedLong() throws IOException {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | readByte();
        }
        return value;
    }

    int readFixedInt() throws IOException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | readByte();
        }
        return value;
    }

    byte[] readBytes() throws IOException {
        byte[] bytes = new byte[readCount("byte length")];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) readByte();
        }
        return bytes;
    }

    String readString() throws IOException {
        int length = readCount("string length");
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        for (int i = 0; i < length; i++) {
            int b = readByte();
            if (b < 0x80) {
                chars[i] = (char) b;
            } else if ((b & 0xE0) == 0xC0) {
                chars[i] = (char) (((b & 0x1F) << 6) | continuation());
            } else if ((b & 0xF0) == 0xE0) {
                int middle = continuation();
                chars[i] = (char) (((b & 0x0F) << 12) | (middle << 6) | continuation());
            } else {
                throw new SnapshotFormatException("corrupt snapshot: byte " + b + " cannot start a character");
            }
        }
        return new String(chars, 0, length);
    }

    private int continuation() throws IOException {
        int b = readByte();
        if ((b & 0xC0) != 0x80) {
            throw new SnapshotFormatException("corrupt snapshot: byte " + b + " inside a character");
        }
        return b & 0x3F;
    }

    String readName() throws IOException {
        int reference = readVarInt();
        if (reference == 0) {
            String name = readString();
            if (names.size() < SnapshotOutput.MAX_NAMES) {
                names.add(name);
            }
            return name;
        }
        if (reference < 0 || reference > names.size()) {
            throw new SnapshotFormatException("corrupt snapshot: name number " + reference + " of " + names.size());
        }
        return names.get(reference - 1);
    }

    int[] readVersion() throws IOException {
        int length = readCount("version length");
        if (length == 0) {
            throw new SnapshotFormatException("corrupt snapshot: an empty version");
        }
        int[] version = new int[length];
        for (int i = 0; i < length; i++) {
            version[i] = readVarInt();
        }
        return version;
    }

    Event readEvent() throws IOException {
        int reference = readVarInt();
        if (reference == 0) {
            String stream = readName();
            long timestamp = readLong();
            long sequence = readLong();
            long identity = version >= 4 ? sequence + readLong() : sequence;
            Event event = new Event(stream, timestamp, sequence, identity, readMap());
            events.add(event);
            return event;
        }
        if (reference < 0 || reference > events.size()) {
            throw new SnapshotFormatException("corrupt snapshot: event number " + reference + " of " + events.size());
        }
        return events.get(reference - 1);
    }

    /** A key: composite keys come back as unmodifiable lists, as {@code PartitionKey} makes them. */
    Object readKey() throws IOException {
        int tag = readByte();
        if (tag == ValueTags.GLOBAL_KEY) {
            return PartitionKey.GLOBAL;
        }
        if (tag == ValueTags.NULL_KEY) {
            return PartitionKey.NULL;
        }
        Object value = readValue(tag);
        if (value == null) {
            throw new SnapshotFormatException("corrupt snapshot: a null key without its marker");
        }
        return value instanceof List<?> list ? Collections.unmodifiableList(list) : value;
    }

    Object readValue() throws IOException {
        return readValue(readByte());
    }

    private Object readValue(int tag) throws IOException {
        switch (tag) {
            case ValueTags.NULL:
                return null;
            case ValueTags.FALSE:
                return Boolean.FALSE;
            case ValueTags.TRUE:
                return Boolean.TRUE;
            case ValueTags.LONG:
                return readLong();
            case ValueTags.DOUBLE:
                return Double.longBitsToDouble(readFixedLong());
            case ValueTags.STRING:
                return readString();
            case ValueTags.LIST:
                int size = readCount("list size");
                List<Object> list = new ArrayList<>(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    list.add(readValue());
                }
                return list;
            case ValueTags.MAP:
                return readMap();
            case ValueTags.INT:
                return (int) readLong();
            case ValueTags.SHORT:
                return (short) readLong();
            case ValueTags.BYTE:
                return (byte) readLong();
            case ValueTags.FLOAT:
                return Float.intBitsToFloat(readFixedInt());
            case ValueTags.BIG_INTEGER:
                return new BigInteger(nonEmpty(readBytes()));
            case ValueTags.BIG_DECIMAL:
                BigInteger unscaled = new BigInteger(nonEmpty(readBytes()));
                return new BigDecimal(unscaled, Math.toIntExact(readLong()));
            default:
                throw new SnapshotFormatException("corrupt snapshot: unknown value tag " + tag);
        }
    }

    private static byte[] nonEmpty(byte[] bytes) throws SnapshotFormatException {
        if (bytes.length == 0) {
            throw new SnapshotFormatException("corrupt snapshot: a big number without digits");
        }
        return bytes;
    }

    private Map<String, Object> readMap() throws IOException {
        int size = readCount("field count");
        Map<String, Object> map = new LinkedHashMap<>(Math.min(size, 1024) * 4 / 3 + 1);
        for (int i = 0; i < size; i++) {
            map.put(readName(), readValue());
        }
        return map;
    }
}

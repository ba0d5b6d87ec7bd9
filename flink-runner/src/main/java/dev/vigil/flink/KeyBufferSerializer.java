package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link KeyBuffer} for Flink's keyed state, checkpoints and savepoints, without Kryo: a format version, the
 * waiting events ({@link EventSerializer}) each with the generation it was routed under, the release timer, the
 * routed-under generation, then per rule its name and its key state in the engine's key-state format (versioned,
 * CRC-checked). Format 1 (no generation per event) is read as routed under the rules of now. Copies are deep: a
 * rule's decoded partial matches are copied through their bytes ({@link RuleMatches#copy}), events are immutable.
 */
public final class KeyBufferSerializer extends TypeSerializer<KeyBuffer> {
    private static final long serialVersionUID = 1L;
    static final KeyBufferSerializer INSTANCE = new KeyBufferSerializer();
    /** 2: each waiting event with the generation it was routed under; 1 (read, not written): without. */
    private static final byte VERSION = 2;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<KeyBuffer> duplicate() {
        return this;   // no state: the codecs are per thread
    }

    @Override
    public KeyBuffer createInstance() {
        return new KeyBuffer();
    }

    @Override
    public KeyBuffer copy(KeyBuffer from) {
        LinkedHashMap<String, RuleMatches> rules = new LinkedHashMap<>(Math.max(4, from.rules.size() * 2));
        for (Map.Entry<String, RuleMatches> rule : from.rules.entrySet()) {
            rules.put(rule.getKey(), rule.getValue().copy());
        }
        KeyBuffer copy = new KeyBuffer(new ArrayList<>(from.waiting), new ArrayList<>(from.generations), rules);
        copy.wakeAt = from.wakeAt;
        copy.routedUnder = from.routedUnder;
        return copy;
    }

    @Override
    public KeyBuffer copy(KeyBuffer from, KeyBuffer reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(KeyBuffer buffer, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(buffer.waiting.size());
        for (int i = 0; i < buffer.waiting.size(); i++) {
            EventSerializer.INSTANCE.serialize(buffer.waiting.get(i), out);
            out.writeLong(buffer.generations.get(i));
        }
        out.writeLong(buffer.wakeAt);
        out.writeLong(buffer.routedUnder);
        out.writeInt(buffer.rules.size());
        for (Map.Entry<String, RuleMatches> rule : buffer.rules.entrySet()) {
            byte[] name = rule.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            byte[] state = rule.getValue().bytes();
            out.writeInt(state.length);
            out.write(state);
        }
    }

    @Override
    public KeyBuffer deserialize(DataInputView in) throws IOException {
        byte version = in.readByte();
        if (version != VERSION && version != 1) {
            throw new IOException("a key's state of format version " + version + "; this version reads 1 and "
                    + VERSION);
        }
        int waitingCount = in.readInt();
        ArrayList<Event> waiting = new ArrayList<>(Math.max(2, waitingCount));
        ArrayList<Long> generations = new ArrayList<>(Math.max(2, waitingCount));
        for (int i = 0; i < waitingCount; i++) {
            waiting.add(EventSerializer.INSTANCE.deserialize(in));
            generations.add(version == 1 ? Long.MAX_VALUE : in.readLong());
        }
        long wakeAt = in.readLong();
        long routedUnder = in.readLong();
        int ruleCount = in.readInt();
        LinkedHashMap<String, RuleMatches> rules = new LinkedHashMap<>(Math.max(4, ruleCount * 2));
        for (int i = 0; i < ruleCount; i++) {
            byte[] name = new byte[in.readInt()];
            in.readFully(name);
            byte[] state = new byte[in.readInt()];
            in.readFully(state);
            rules.put(new String(name, StandardCharsets.UTF_8), RuleMatches.ofBytes(state));
        }
        KeyBuffer buffer = new KeyBuffer(waiting, generations, rules);
        buffer.wakeAt = wakeAt;
        buffer.routedUnder = routedUnder;
        return buffer;
    }

    @Override
    public KeyBuffer deserialize(KeyBuffer reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyBufferSerializer;
    }

    @Override
    public int hashCode() {
        return KeyBufferSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<KeyBuffer> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No parameters: the snapshot names the class; the format's version byte tells versions apart. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<KeyBuffer> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

package dev.vigil.nfa.state;

import dev.vigil.nfa.match.PartialMatches;
import dev.vigil.nfa.match.PartialMatchesGraph;
import dev.vigil.nfa.program.Nfa;
import dev.vigil.nfa.runtime.KeyStateFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One key's state of one rule to bytes and back, in the snapshot format's pieces: a {@link dev.vigil.nfa.KeyStore}
 * keeps each key's state under its key's bytes. A value is the chunk stream of a snapshot (so it has a CRC-32) whose
 * body is the {@code key} production of the format (key value, waiting-event count, scheduled deadline, advanced
 * time, round, held since, matches) followed by {@code long incarnation}; a key is the {@code keyValue} production,
 * unframed, after a caller's prefix. Events are numbered within one value: each key's value stands alone.
 *
 * <p>Equal keys give equal bytes, as the store needs: every key type has one tag, numbers keep their type (as
 * {@code equals} does). One exception, documented: a key that is a JSON object encodes its fields in arrival
 * order, so two events whose objects list the same fields in another order are different keys here.
 *
 * <p><b>Not thread-safe:</b> one per store; buffers are reused from one key to the next.
 */
public final class KeyStateCodec implements KeyStateFormat {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);   // reset keeps its buffer
    private final SnapshotOutput out = new SnapshotOutput(new DataOutputStream(bytes), 16);
    private final RuleStateWriter writer = new RuleStateWriter(out);
    private final SnapshotInput in = new SnapshotInput(null, EngineSnapshot.VERSION);
    private final RuleStateReader reader = new RuleStateReader(in, EngineSnapshot.VERSION, -1);
    private final PartialMatchesGraph.Builder builder;

    /** @param nfa the rule's NFA, which bounds state and variable numbers on reading */
    public KeyStateCodec(Nfa nfa) {
        this.builder = new PartialMatchesGraph.Builder(nfa.states().size(), nfa.variables().size());
    }

    @Override
    public byte[] key(byte[] prefix, Object key) {
        try {
            out.reset();
            out.writeKey(key);
            return out.unframed(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // writes to memory only
        }
    }

    @Override
    public byte[] encode(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
            long heldSince, long incarnation, PartialMatches partialMatches) {
        try {
            bytes.reset();
            out.reset();
            writer.writeKey(key, waitingEvents, scheduledDeadline, advancedTo, round, heldSince, partialMatches);
            out.writeLong(incarnation);
            out.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws UncheckedIOException with a {@link SnapshotFormatException}: corrupt or truncated bytes */
    @Override
    public Decoded decode(byte[] value) {
        try {
            in.reset(new DataInputStream(new ByteArrayInputStream(value)));
            Object key = in.readKey();
            int waitingEvents = in.readCount("waiting events of a key");
            long scheduledDeadline = in.readLong();
            long advancedTo = in.readLong();
            long round = in.readLong();
            long heldSince = in.readLong();
            PartialMatches partialMatches = reader.readPartialMatches(builder);
            long incarnation = in.readLong();
            in.finish();
            return new Decoded(key, waitingEvents, scheduledDeadline, advancedTo, round, heldSince, incarnation,
                    partialMatches);
        } catch (SnapshotFormatException corrupt) {
            throw new UncheckedIOException(corrupt);
        } catch (IOException | RuntimeException corrupt) {
            throw new UncheckedIOException(new SnapshotFormatException("corrupt key state: " + corrupt, corrupt));
        }
    }
}

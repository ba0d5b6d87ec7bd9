package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.program.Nfa;
import dev.vigil.nfa.state.KeyStateCodec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteOptions;

/**
 * A {@link KeyStore} in RocksDB, for more key state than fits in memory: each key's state is serialized
 * ({@link KeyStateCodec}) under the rule's four-byte number followed by the key's bytes. As in Flink's RocksDB
 * backend, a state is read when the key is touched and written back when it settles; between two engine calls
 * no state is in memory, only the counts. No cache: a key touched twice in one engine call stays live in between
 * (the {@code live} map), which covers the events of one watermark's release.
 *
 * <p>The partial-match count is kept as a running sum (counted at write-back, subtracted at load), so the server's
 * frequent counter reads cost nothing.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class RocksDbKeyStore implements KeyStore {
    private final RocksDB db;
    private final WriteOptions writes;
    private final byte[] prefix;
    private final byte[] nextPrefix;
    private final Matcher matcher;
    private final KeyStateCodec codec;
    private final HashMap<Object, KeyState> live = new HashMap<>();
    private int size;
    /** Partial matches of the keys not live. */
    private long held;

    RocksDbKeyStore(RocksDB db, WriteOptions writes, int rule, Matcher matcher, Nfa nfa) {
        this.db = db;
        this.writes = writes;
        this.prefix = prefix(rule);
        this.nextPrefix = prefix(rule + 1);
        this.matcher = matcher;
        this.codec = new KeyStateCodec(nfa);
    }

    private static byte[] prefix(int rule) {
        return new byte[] {(byte) (rule >>> 24), (byte) (rule >>> 16), (byte) (rule >>> 8), (byte) rule};
    }

    @Override
    public KeyState get(Object key) {
        if (key == null) {
            return null;
        }
        KeyState state = live.get(key);
        if (state != null) {
            return state;
        }
        byte[] value;
        try {
            value = db.get(codec.key(prefix, key));
        } catch (RocksDBException e) {
            throw RocksDbState.failure("read the state of key " + key, e);
        }
        if (value == null) {
            return null;
        }
        state = toState(codec.decode(value));
        held -= matcher.partialMatchCount(state.partialMatches);
        live.put(state.key, state);
        return state;
    }

    /** The key: states do not stay in memory between two engine calls. */
    @Override
    public Object handle(KeyState state) {
        return state.key;
    }

    @Override
    public KeyState find(Object handle) {
        return get(handle);
    }

    @Override
    public Object keyOf(Object handle) {
        return handle;
    }

    @Override
    public void add(KeyState state) {
        if (live.putIfAbsent(state.key, state) != null) {
            throw new IllegalArgumentException("key " + state.key + " twice");
        }
        size++;
    }

    @Override
    public void put(KeyState state) {
        byte[] value = codec.encode(state.key, state.waitingEvents, state.scheduledDeadline, state.advancedTo,
                state.round, state.incarnation, state.partialMatches);
        try {
            db.put(writes, codec.key(prefix, state.key), value);
        } catch (RocksDBException e) {
            throw RocksDbState.failure("write the state of key " + state.key, e);
        }
        release(state);
    }

    @Override
    public void release(KeyState state) {
        held += matcher.partialMatchCount(state.partialMatches);
        live.remove(state.key);
    }

    @Override
    public void remove(KeyState state) {
        live.remove(state.key);
        size--;
        try {
            db.delete(writes, codec.key(prefix, state.key));
        } catch (RocksDBException e) {
            throw RocksDbState.failure("delete the state of key " + state.key, e);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long partialMatchCount() {
        long count = held;
        for (KeyState state : live.values()) {
            count += matcher.partialMatchCount(state.partialMatches);
        }
        return count;
    }

    /**
     * Iterates the rule's keys in byte order in a RocksDB snapshot taken now (as Flink's RocksDB backend does), so
     * later writes do not reach the states visited; numbers the keys in a hash map (keys, not states, stay in
     * memory until {@link Capture#done}).
     */
    @Override
    public Capture capture(long lastIncarnation) {
        if (!live.isEmpty()) {
            throw new IllegalStateException("capture during an engine call: " + live.size() + " key states live");
        }
        return new RocksDbCapture();
    }

    private final class RocksDbCapture implements Capture {
        private final int size = RocksDbKeyStore.this.size;
        private final Map<Object, long[]> numbers = new HashMap<>();
        private final Snapshot snapshot = db.getSnapshot();
        private final Slice upper = new Slice(nextPrefix);
        private final ReadOptions reads = new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
        private final RocksIterator iterator = db.newIterator(reads);
        private boolean closed;

        RocksDbCapture() {
            iterator.seek(prefix);
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean visit(Visitor visitor, int max) throws IOException {
            try {
                for (int n = 0; n < max && iterator.isValid(); n++, iterator.next()) {
                    KeyState state = toState(codec.decode(iterator.value()));
                    numbers.put(state.key, new long[] {numbers.size(), state.incarnation});
                    visitor.key(state);
                }
                iterator.status();
            } catch (RocksDBException e) {
                throw new IOException("cannot read the RocksDB state: " + e.getMessage(), e);
            }
            return !iterator.isValid();
        }

        @Override
        public int numberOf(Object key, long incarnation) {
            long[] number = numbers.get(key);
            if (number == null || (incarnation != ANY && number[1] != incarnation)) {
                return -1;
            }
            return (int) number[0];
        }

        @Override
        public void done() {
            if (!closed) {
                closed = true;
                numbers.clear();
                iterator.close();
                reads.close();
                upper.close();
                db.releaseSnapshot(snapshot);
            }
        }
    }

    @Override
    public void presize(int mostKeys) {
        // RocksDB needs no capacity
    }

    @Override
    public void clear() {
        live.clear();
        size = 0;
        held = 0;
        try {
            db.deleteRange(writes, prefix, nextPrefix);
        } catch (RocksDBException e) {
            throw RocksDbState.failure("delete the state of a removed rule", e);
        }
    }

    private static KeyState toState(KeyStateCodec.Decoded decoded) {
        KeyState state = new KeyState(decoded.key(), decoded.partialMatches(), decoded.incarnation());
        state.waitingEvents = decoded.waitingEvents();
        state.scheduledDeadline = decoded.scheduledDeadline();
        state.advancedTo = decoded.advancedTo();
        state.round = decoded.round();
        return state;
    }
}

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
 * <p>The keys holding partial matches are indexed in RocksDB too, in the order they began to hold them: under the
 * rule's index prefix (its number with the top bit set, outside every rule's state range) the big-endian
 * {@link KeyState#heldSince} leads to the key's state. A key joining or leaving costs one write more; the oldest
 * holder is the first entry from the last one found (every entry before it is gone, so the seek skips their
 * tombstones).
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class RocksDbKeyStore implements KeyStore {
    private final RocksDB db;
    private final WriteOptions writes;
    private final byte[] prefix;
    private final byte[] nextPrefix;
    private final byte[] holdersPrefix;
    private final byte[] nextHoldersPrefix;
    private final Matcher matcher;
    private final KeyBudget budget;
    private final KeyStateCodec codec;
    private final HashMap<Object, KeyState> live = new HashMap<>();
    private int size;
    /** Partial matches of the keys not live. */
    private long held;
    private int holders;
    /** The last {@link KeyState#heldSince} given, and the one the oldest holder had when last looked up. */
    private long lastHeldSince;
    private long oldestHeldSince;
    /** From {@link #presize} to {@link #finishRestore}: holders keep the {@link KeyState#heldSince} restored. */
    private boolean restoring;

    RocksDbKeyStore(RocksDB db, WriteOptions writes, int rule, Matcher matcher, Nfa nfa, KeyBudget budget) {
        this.db = db;
        this.writes = writes;
        this.prefix = prefix(rule);
        this.nextPrefix = prefix(rule + 1);
        this.holdersPrefix = prefix(rule | 0x8000_0000);
        this.nextHoldersPrefix = prefix((rule | 0x8000_0000) + 1);
        this.matcher = matcher;
        this.budget = budget;
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
        return value == null ? null : load(value);
    }

    /** Makes the stored {@code value} of a key not live a live state. */
    private KeyState load(byte[] value) {
        KeyState state = toState(codec.decode(value));
        state.counted = matcher.partialMatchCount(state.partialMatches);
        held -= state.counted;
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

    /** Reads the key's state: it holds when there is one of the same incarnation. */
    @Override
    public boolean holds(Object handle, long incarnation) {
        KeyState state = get(handle);
        if (state == null) {
            return false;
        }
        release(state);
        return state.incarnation == incarnation;
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
        int now = matcher.partialMatchCount(state.partialMatches);
        byte[] key = codec.key(prefix, state.key);
        try {
            if (state.counted == 0 && now > 0) {
                join(state, key);
            } else if (state.counted > 0 && now == 0) {
                leave(state);
            }
            byte[] value = codec.encode(state.key, state.waitingEvents, state.scheduledDeadline, state.advancedTo,
                    state.round, state.heldSince, state.incarnation, state.partialMatches);
            db.put(writes, key, value);
        } catch (RocksDBException e) {
            throw RocksDbState.failure("write the state of key " + state.key, e);
        }
        state.counted = now;
        release(state);
    }

    @Override
    public void release(KeyState state) {
        held += state.counted;
        live.remove(state.key);
    }

    @Override
    public void remove(KeyState state) {
        live.remove(state.key);
        size--;
        try {
            if (state.counted > 0) {
                leave(state);
            }
            db.delete(writes, codec.key(prefix, state.key));
        } catch (RocksDBException e) {
            throw RocksDbState.failure("delete the state of key " + state.key, e);
        }
    }

    /** The key begins to hold partial matches: indexed under its {@link KeyState#heldSince}, new or restored. */
    private void join(KeyState state, byte[] key) throws RocksDBException {
        if (restoring && state.heldSince != 0) {
            lastHeldSince = Math.max(lastHeldSince, state.heldSince);
        } else {
            state.heldSince = ++lastHeldSince;
        }
        db.put(writes, holderKey(state.heldSince), key);
        holders++;
        budget.holding++;
    }

    private void leave(KeyState state) throws RocksDBException {
        db.delete(writes, holderKey(state.heldSince));
        state.heldSince = 0;
        holders--;
        budget.holding--;
    }

    private byte[] holderKey(long heldSince) {
        byte[] key = new byte[holdersPrefix.length + Long.BYTES];
        System.arraycopy(holdersPrefix, 0, key, 0, holdersPrefix.length);
        for (int i = 0; i < Long.BYTES; i++) {
            key[holdersPrefix.length + i] = (byte) (heldSince >>> (8 * (Long.BYTES - 1 - i)));
        }
        return key;
    }

    @Override
    public int holders() {
        return holders;
    }

    @Override
    public KeyState oldestHolder() {
        if (holders == 0) {
            return null;
        }
        if (!live.isEmpty()) {
            throw new IllegalStateException("eviction during an engine call: " + live.size() + " key states live");
        }
        byte[] stateKey;
        try (Slice upper = new Slice(nextHoldersPrefix);
                ReadOptions reads = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator iterator = db.newIterator(reads)) {
            iterator.seek(holderKey(oldestHeldSince));
            if (!iterator.isValid()) {
                iterator.status();
                throw new IllegalStateException(holders + " keys hold partial matches but none is indexed");
            }
            byte[] found = iterator.key();
            oldestHeldSince = 0;
            for (int i = holdersPrefix.length; i < found.length; i++) {
                oldestHeldSince = oldestHeldSince << 8 | (found[i] & 0xFF);
            }
            stateKey = iterator.value();
        } catch (RocksDBException e) {
            throw RocksDbState.failure("find the oldest key holding partial matches", e);
        }
        byte[] value;
        try {
            value = db.get(stateKey);
        } catch (RocksDBException e) {
            throw RocksDbState.failure("read the oldest key holding partial matches", e);
        }
        if (value == null) {
            throw new IllegalStateException("the index of keys holding partial matches names a key with no state");
        }
        return load(value);
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
        restoring = true;   // RocksDB needs no capacity
    }

    @Override
    public void finishRestore() {
        restoring = false;   // the index orders the restored holders already
    }

    @Override
    public void clear() {
        live.clear();
        size = 0;
        held = 0;
        budget.holding -= holders;
        holders = 0;
        oldestHeldSince = 0;
        try {
            db.deleteRange(writes, prefix, nextPrefix);
            db.deleteRange(writes, holdersPrefix, nextHoldersPrefix);
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
        state.heldSince = decoded.heldSince();
        return state;
    }
}

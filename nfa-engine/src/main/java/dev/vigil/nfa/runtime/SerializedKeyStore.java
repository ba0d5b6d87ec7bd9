package dev.vigil.nfa.runtime;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.match.Matcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link KeyStateStore} in a host's {@link KeyStore} (RocksDB, for more key state than fits in memory): each key's
 * state is serialized ({@link KeyStateFormat}) under the rule's four-byte number followed by the key's bytes. As in
 * Flink's RocksDB backend, a state is read when the key is touched and written back when it settles; between two
 * engine calls no state is in memory, only the counts. No cache: a key touched twice in one engine call stays live
 * in between (the {@code live} map), which covers the events of one watermark's release. One {@code KeyStore} holds
 * every rule of an engine, each under its own number ({@link KeyStorage}).
 *
 * <p>The partial-match count is kept as a running sum (counted at write-back, subtracted at load), so the server's
 * frequent counter reads cost nothing.
 *
 * <p>The keys holding partial matches are indexed in the store too, in the order they began to hold them: under the
 * rule's index prefix (its number with the top bit set, outside every rule's state range) the big-endian
 * {@link KeyState#heldSince} leads to the key's state. A key joining or leaving costs one write more; the oldest
 * holder is the first entry from the last one found (every entry before it is gone, so the seek skips their
 * tombstones).
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class SerializedKeyStore implements KeyStateStore {
    private final KeyStore store;
    private final byte[] prefix;
    private final byte[] nextPrefix;
    private final byte[] holdersPrefix;
    private final byte[] nextHoldersPrefix;
    private final Matcher matcher;
    private final KeyBudget.Share share;
    private final KeyStateFormat codec;
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

    SerializedKeyStore(KeyStore store, int rule, Matcher matcher, KeyStateFormat codec, KeyBudget.Share share) {
        this.store = store;
        this.prefix = prefix(rule);
        this.nextPrefix = prefix(rule + 1);
        this.holdersPrefix = prefix(rule | 0x8000_0000);
        this.nextHoldersPrefix = prefix((rule | 0x8000_0000) + 1);
        this.matcher = matcher;
        this.share = share;
        this.codec = codec;
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
            value = store.get(codec.key(prefix, key));
        } catch (UncheckedIOException e) {
            throw failure("read the state of key " + key, e);
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
            store.put(key, value);
        } catch (UncheckedIOException e) {
            throw failure("write the state of key " + state.key, e);
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
            store.delete(codec.key(prefix, state.key));
        } catch (UncheckedIOException e) {
            throw failure("delete the state of key " + state.key, e);
        }
    }

    /** The key begins to hold partial matches: indexed under its {@link KeyState#heldSince}, new or restored. */
    private void join(KeyState state, byte[] key) {
        if (restoring && state.heldSince != 0) {
            lastHeldSince = Math.max(lastHeldSince, state.heldSince);
        } else {
            state.heldSince = ++lastHeldSince;
        }
        store.put(holderKey(state.heldSince), key);
        holders++;
        share.joined();
    }

    private void leave(KeyState state) {
        store.delete(holderKey(state.heldSince));
        state.heldSince = 0;
        holders--;
        share.left();
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
        KeyStore.Entry oldest;
        try {
            oldest = store.first(holderKey(oldestHeldSince), nextHoldersPrefix);
        } catch (UncheckedIOException e) {
            throw failure("find the oldest key holding partial matches", e);
        }
        if (oldest == null) {
            throw new IllegalStateException(holders + " keys hold partial matches but none is indexed");
        }
        byte[] found = oldest.key();
        oldestHeldSince = 0;
        for (int i = holdersPrefix.length; i < found.length; i++) {
            oldestHeldSince = oldestHeldSince << 8 | (found[i] & 0xFF);
        }
        byte[] value;
        try {
            value = store.get(oldest.value());
        } catch (UncheckedIOException e) {
            throw failure("read the oldest key holding partial matches", e);
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
     * Iterates the rule's keys in byte order in a {@link KeyStore#scan} opened now (a RocksDB snapshot, as Flink's
     * RocksDB backend takes), so later writes do not reach the states visited; numbers the keys in a hash map (keys,
     * not states, stay in memory until {@link Capture#done}).
     */
    @Override
    public Capture capture(long lastIncarnation) {
        if (!live.isEmpty()) {
            throw new IllegalStateException("capture during an engine call: " + live.size() + " key states live");
        }
        try {
            return new StoreCapture(store.scan(prefix, nextPrefix));
        } catch (UncheckedIOException e) {
            throw failure("start a snapshot of the key states", e);
        }
    }

    /** The rule's keys in byte order, from a {@link KeyStore#scan} opened now: later writes do not reach them. */
    @Override
    public Census census() {
        if (!live.isEmpty()) {
            throw new IllegalStateException("census during an engine call: " + live.size() + " key states live");
        }
        KeyStore.Scan scan;
        try {
            scan = store.scan(prefix, nextPrefix);
        } catch (UncheckedIOException e) {
            throw failure("start counting the key states", e);
        }
        return new Census() {
            private boolean closed;

            @Override
            public boolean visit(Visitor visitor, int max) throws IOException {
                if (closed) {
                    return true;
                }
                try {
                    for (int n = 0; n < max; n++) {
                        KeyStore.Entry next = scan.next();
                        if (next == null) {
                            done();
                            return true;
                        }
                        visitor.key(toState(codec.decode(next.value())));
                    }
                } catch (UncheckedIOException e) {
                    throw new IOException("cannot read the key states: " + e.getCause().getMessage(), e.getCause());
                }
                return false;
            }

            @Override
            public void done() {
                if (!closed) {
                    closed = true;
                    scan.close();
                }
            }
        };
    }

    private final class StoreCapture implements Capture {
        private final int size = SerializedKeyStore.this.size;
        private final Map<Object, long[]> numbers = new HashMap<>();
        private final KeyStore.Scan scan;
        /** The entry to visit next; null before the first visit and after the last entry. */
        private KeyStore.Entry next;
        private boolean started;
        private boolean closed;

        StoreCapture(KeyStore.Scan scan) {
            this.scan = scan;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean visit(Visitor visitor, int max) throws IOException {
            try {
                if (!started) {
                    started = true;
                    next = scan.next();
                }
                for (int n = 0; n < max && next != null; n++, next = scan.next()) {
                    KeyState state = toState(codec.decode(next.value()));
                    numbers.put(state.key, new long[] {numbers.size(), state.incarnation});
                    visitor.key(state);
                }
            } catch (UncheckedIOException e) {
                throw new IOException("cannot read the key states: " + e.getCause().getMessage(), e.getCause());
            }
            return next == null;
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
                scan.close();
            }
        }
    }

    @Override
    public void presize(int mostKeys) {
        restoring = true;   // a store needs no capacity
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
        share.cleared();
        holders = 0;
        oldestHeldSince = 0;
        try {
            store.deleteRange(prefix, nextPrefix);
            store.deleteRange(holdersPrefix, nextHoldersPrefix);
        } catch (UncheckedIOException e) {
            throw failure("delete the state of a removed rule", e);
        }
    }

    private static KeyState toState(KeyStateFormat.Decoded decoded) {
        KeyState state = new KeyState(decoded.key(), decoded.partialMatches(), decoded.incarnation());
        state.waitingEvents = decoded.waitingEvents();
        state.scheduledDeadline = decoded.scheduledDeadline();
        state.advancedTo = decoded.advancedTo();
        state.round = decoded.round();
        state.heldSince = decoded.heldSince();
        return state;
    }

    /**
     * The store failed under the engine: the engine cannot go on (an I/O failure, typically a full disk). Says what
     * the engine was doing, which the store's own message cannot.
     */
    private static UncheckedIOException failure(String doing, UncheckedIOException e) {
        IOException cause = e.getCause();
        return new UncheckedIOException(new IOException("cannot " + doing + ": " + cause.getMessage(), cause));
    }
}

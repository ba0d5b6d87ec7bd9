package dev.vigil.nfa.runtime;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.match.Matcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link KeyStateStore} in a host's {@link KeyStore} (RocksDB, for more key state than fits in memory): each key's
 * state is serialized ({@link KeyStateFormat}) under the rule's four-byte number followed by the key's bytes. One
 * {@code KeyStore} holds every rule of an engine, each under its own number ({@link KeyStorage}).
 *
 * <p><b>The cache.</b> In front of the store, the states of the keys touched last stay decoded in a {@link KeyTable}
 * (a write-back cache, bounded in keys over every rule of the engine: {@link Cache}). A state is read from the store
 * on a miss, and written back only when it leaves the cache changed, or before something reads the store as a whole
 * (a snapshot's or a census's scan, the search for the oldest holder). A key whose state comes and goes while cached
 * (most keys of most rules: a partial match begun and finished or timed out within the cache's reach) costs the
 * store nothing: never written, so never deleted; a key whose stored state empties is deleted once. Which state
 * leaves is chosen by a clock (second chance) over the table's slots: a state touched since the hand last passed
 * is spared once. A state the runtime holds (got, not yet put, released or removed: {@link #PINNED}) never leaves,
 * so within one engine call the same key always gives the same object. With a bound of 0 every state is written
 * back as soon as the runtime is done with it (the store alone, as in Flink's RocksDB backend).
 *
 * <p>The partial-match count is kept as a running sum over the states not pinned (counted when unpinned, subtracted
 * when pinned), so the server's frequent counter reads cost nothing.
 *
 * <p>The keys holding partial matches are indexed in the store too, in the order they began to hold them: under the
 * rule's index prefix (its number with the top bit set, outside every rule's state range) the big-endian
 * {@link KeyState#heldSince} leads to the key's state. The entry is written with the state (a cached key that begins
 * and stops holding writes nothing) and deleted when the key stops holding; {@link #oldestHolder} writes back the
 * holders not yet indexed first (those that joined since it last looked, so an eviction costs no walk of the
 * cache). The oldest holder is the first entry from the last one found (every entry before it is gone, so the seek
 * skips their tombstones).
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class SerializedKeyStore implements KeyStateStore {
    /** Got and not yet put, released or removed: the runtime holds the state, which must stay cached. */
    private static final byte PINNED = 1;
    /** Changed since the store last had it. */
    private static final byte DIRTY = 2;
    /** The store has a value for the key (perhaps an older one). */
    private static final byte STORED = 4;
    /** The store's index of holders has an entry for the key under its {@link KeyState#heldSince}. */
    private static final byte INDEXED = 8;
    /** Touched since the clock's hand last passed it. */
    private static final byte REFERENCED = 16;
    /**
     * Not a state: a marker that the key has none, neither cached nor stored (its state was removed, or the store
     * had none when asked), so asking again reads nothing. Markers are cached and evicted as states are.
     */
    private static final byte ABSENT = 32;

    /** The bound on cached states over every store of one engine, and their number. */
    static final class Cache {
        final int maxKeys;
        int keys;

        Cache(int maxKeys) {
            if (maxKeys < 0) {
                throw new IllegalArgumentException("cached keys " + maxKeys + " < 0");
            }
            this.maxKeys = maxKeys;
        }
    }

    private final KeyStore store;
    /** The rule's number in the store; a restore from the store's checkpoint gives it the number it had there. */
    private int rule;
    private byte[] prefix;
    private byte[] nextPrefix;
    private byte[] holdersPrefix;
    private byte[] nextHoldersPrefix;
    private final Matcher matcher;
    private final KeyBudget.Share share;
    private final KeyStateFormat codec;
    private final Cache cache;
    /** Which keys the store may have a state of: a key it cannot have is not read. */
    private StoredKeys storedKeys = new StoredKeys();
    /** The cached states of this rule. */
    private KeyTable states = new KeyTable();
    /** The clock's hand: the slot of {@link #states} it looks at next. */
    private int hand;
    private int pinned;
    /** Cached holders with no entry in the store's index ({@link #INDEXED} unset). */
    private int unindexed;
    /**
     * The states that began to hold partial matches since {@link #oldestHolder} last looked, among them every holder
     * not indexed (the others are dropped when they are most of the list, so it holds at most twice those).
     */
    private final ArrayList<KeyState> joined = new ArrayList<>();
    private int size;
    /** Partial matches of the keys not pinned. */
    private long held;
    /** The last {@link KeyState#heldSince} given, and the one the oldest holder had when last looked up. */
    private long lastHeldSince;
    private long oldestHeldSince;
    /** From {@link #presize} to {@link #finishRestore}: holders keep the {@link KeyState#heldSince} restored. */
    private boolean restoring;

    SerializedKeyStore(KeyStore store, int rule, Matcher matcher, KeyStateFormat codec, KeyBudget.Share share,
            Cache cache) {
        this.store = store;
        number(rule);
        this.matcher = matcher;
        this.share = share;
        this.codec = codec;
        this.cache = cache;
    }

    private void number(int rule) {
        this.rule = rule;
        this.prefix = prefix(rule);
        this.nextPrefix = prefix(rule + 1);
        this.holdersPrefix = prefix(rule | 0x8000_0000);
        this.nextHoldersPrefix = prefix((rule | 0x8000_0000) + 1);
    }

    private static byte[] prefix(int rule) {
        return new byte[] {(byte) (rule >>> 24), (byte) (rule >>> 16), (byte) (rule >>> 8), (byte) rule};
    }

    @Override
    public KeyState get(Object key) {
        if (key == null) {
            return null;
        }
        KeyState state = states.get(key);
        if (state != null) {
            state.cache |= REFERENCED;
            if ((state.cache & ABSENT) != 0) {
                return null;
            }
            pin(state);
            return state;
        }
        byte[] stored = codec.key(prefix, key);
        byte[] value = null;
        if (storedKeys.mayHold(stored)) {
            try {
                value = store.get(stored);
            } catch (UncheckedIOException e) {
                throw failure("read the state of key " + key, e);
            }
        }
        if (value == null) {
            KeyState absent = new KeyState(key, null, 0);
            absent.cache = ABSENT | REFERENCED;
            cache(absent);
            if (cache.keys > cache.maxKeys) {
                shrink();
            }
            return null;
        }
        state = toState(codec.decode(value));
        state.counted = matcher.partialMatchCount(state.partialMatches);
        state.cache = (byte) (STORED | REFERENCED | (state.heldSince != 0 ? INDEXED : 0));
        cache(state);
        pin(state);
        return state;
    }

    private void cache(KeyState state) {
        states.add(state);
        cache.keys++;
    }

    private void pin(KeyState state) {
        if ((state.cache & PINNED) == 0) {
            state.cache |= PINNED;
            pinned++;
            held -= state.counted;
        }
    }

    /** The key: a state may leave memory between two visits. */
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
        KeyState cached = states.get(state.key);
        if (cached != null) {
            if ((cached.cache & ABSENT) == 0) {
                throw new IllegalArgumentException("key " + state.key + " twice");
            }
            states.remove(cached);
            cache.keys--;
        }
        state.cache = DIRTY | REFERENCED;
        states.add(state);
        cache.keys++;
        pin(state);
        size++;
    }

    @Override
    public void put(KeyState state) {
        int now = matcher.partialMatchCount(state.partialMatches);
        if (state.counted == 0 && now > 0) {
            join(state);
        } else if (state.counted > 0 && now == 0) {
            leave(state);
        }
        state.counted = now;
        state.cache |= DIRTY;
        release(state);
    }

    @Override
    public void release(KeyState state) {
        if ((state.cache & PINNED) != 0) {
            state.cache &= ~PINNED;
            pinned--;
            held += state.counted;
        }
        if (cache.keys > cache.maxKeys) {
            shrink();
        }
    }

    @Override
    public void remove(KeyState state) {
        if ((state.cache & PINNED) != 0) {
            state.cache &= ~PINNED;
            pinned--;
        } else {
            held -= state.counted;
        }
        size--;
        if (state.counted > 0) {
            leave(state);
        }
        if ((state.cache & STORED) != 0) {
            byte[] key = codec.key(prefix, state.key);
            try {
                store.delete(key);
            } catch (UncheckedIOException e) {
                throw failure("delete the state of key " + state.key, e);
            }
            storedKeys.left(key);
        }
        // The state stays cached as the key's marker of absence (nothing reads a removed state's fields).
        state.cache = ABSENT | REFERENCED;
        state.counted = 0;
        state.partialMatches = null;
        if (cache.keys > cache.maxKeys) {
            shrink();
        }
    }

    /** The key begins to hold partial matches: numbered by its {@link KeyState#heldSince}, new or restored. */
    private void join(KeyState state) {
        if (restoring && state.heldSince != 0) {
            lastHeldSince = Math.max(lastHeldSince, state.heldSince);
        } else {
            state.heldSince = ++lastHeldSince;
        }
        unindexed++;
        if (joined.size() > 2 * unindexed + 64) {
            joined.removeIf(other -> !unindexedHolder(other));
        }
        joined.add(state);
        share.joined();
    }

    /** Whether {@code state} holds partial matches and is cached with no entry in the store's index. */
    private static boolean unindexedHolder(KeyState state) {
        return state.heldSince != 0 && (state.cache & (INDEXED | ABSENT)) == 0;
    }

    private void leave(KeyState state) {
        if ((state.cache & INDEXED) != 0) {
            try {
                store.delete(holderKey(state.heldSince));
            } catch (UncheckedIOException e) {
                throw failure("delete the state of key " + state.key, e);
            }
            state.cache &= ~INDEXED;
        } else {
            unindexed--;
        }
        state.heldSince = 0;
        share.left();
    }

    /**
     * Evicts states of this rule not pinned until the engine's cached states are within bound (or none is left to
     * evict), clock order: a state touched since the hand last passed it loses that mark and stays this time.
     */
    private void shrink() {
        int evictable = states.size() - pinned;   // markers of absence too
        while (cache.keys > cache.maxKeys && evictable > 0) {
            if (hand >= states.capacity()) {
                hand = 0;
            }
            for (KeyState state = states.first(hand); state != null && cache.keys > cache.maxKeys; ) {
                KeyState next = state.next;
                if ((state.cache & PINNED) == 0) {
                    if ((state.cache & REFERENCED) != 0) {
                        state.cache &= ~REFERENCED;
                    } else {
                        writeBack(state);
                        states.remove(state);
                        cache.keys--;
                        evictable--;
                    }
                }
                state = next;
            }
            if (cache.keys > cache.maxKeys) {
                hand++;
            }
        }
    }

    /** Writes a changed state not pinned to the store, and its entry in the holders' index if it has none. */
    private void writeBack(KeyState state) {
        if ((state.cache & DIRTY) == 0) {
            return;
        }
        byte[] key = codec.key(prefix, state.key);
        try {
            store.put(key, codec.encode(state.key, state.waitingEvents, state.scheduledDeadline, state.advancedTo,
                    state.round, state.heldSince, state.incarnation, state.partialMatches));
            if (state.heldSince != 0 && (state.cache & INDEXED) == 0) {
                store.put(holderKey(state.heldSince), key);
                state.cache |= INDEXED;
                unindexed--;
            }
        } catch (UncheckedIOException e) {
            throw failure("write the state of key " + state.key, e);
        }
        if ((state.cache & STORED) == 0) {
            storedKeys.entered(key);
        }
        state.cache = (byte) ((state.cache & ~DIRTY) | STORED);
    }

    /** Writes every changed cached state back, keeping it cached: the store then has every state. */
    private void flush() {
        for (int slot = 0; slot < states.capacity(); slot++) {
            for (KeyState state = states.first(slot); state != null; state = state.next) {
                writeBack(state);
            }
        }
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
        return share.holders();
    }

    @Override
    public KeyState oldestHolder() {
        if (share.holders() == 0) {
            return null;
        }
        notPinned("eviction");
        for (KeyState state : joined) {
            if (unindexedHolder(state)) {
                writeBack(state);   // every holder is in the index then
            }
        }
        joined.clear();
        KeyStore.Entry oldest;
        try {
            oldest = store.first(holderKey(oldestHeldSince), nextHoldersPrefix);
        } catch (UncheckedIOException e) {
            throw failure("find the oldest key holding partial matches", e);
        }
        if (oldest == null) {
            throw new IllegalStateException(share.holders() + " keys hold partial matches but none is indexed");
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
        KeyState state = get(codec.decode(value).key());   // the cached state when cached: it may be newer
        if (state == null || state.heldSince != oldestHeldSince) {
            throw new IllegalStateException("the index of keys holding partial matches is behind the states");
        }
        return state;
    }

    private void notPinned(String doing) {
        if (pinned != 0) {
            throw new IllegalStateException(doing + " during an engine call: " + pinned + " key states live");
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long partialMatchCount() {
        long count = held;
        if (pinned > 0) {
            for (KeyState state : states.toArray()) {
                if ((state.cache & PINNED) != 0) {
                    count += matcher.partialMatchCount(state.partialMatches);
                }
            }
        }
        return count;
    }

    /**
     * Writes back the changed cached states, then iterates the rule's keys in byte order in a {@link KeyStore#scan}
     * opened now (a RocksDB snapshot, as Flink's RocksDB backend takes), so later writes do not reach the states
     * visited; numbers the keys in a hash map (keys, not states, stay in memory until {@link Capture#done}).
     */
    @Override
    public Capture capture(long lastIncarnation) {
        notPinned("capture");
        try {
            flush();
            return new StoreCapture(store.scan(prefix, nextPrefix));
        } catch (UncheckedIOException e) {
            throw failure("start a snapshot of the key states", e);
        }
    }

    /**
     * The rule's keys in byte order, from a {@link KeyStore#scan} opened now (after writing back the changed cached
     * states): later writes do not reach them.
     */
    @Override
    public Census census() {
        notPinned("census");
        KeyStore.Scan scan;
        try {
            flush();
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

    /**
     * What a snapshot whose key states are in the store's own checkpoint keeps of this rule's store besides the
     * stored states: its number in the store, its key count, its keys holding partial matches (all indexed then),
     * the last place in the order of eviction given, and the partial matches held.
     */
    record InStore(int rule, int size, int holders, long lastHeldSince, long partialMatches) {}

    /**
     * Writes every changed cached state back (and every holder into the index), so the store holds this rule's
     * states as they are now, and says what else the rule's store holds. Between two engine calls.
     */
    InStore inStore() {
        notPinned("snapshot");
        try {
            flush();
        } catch (UncheckedIOException e) {
            throw failure("write the key states back for a snapshot", e);
        }
        return new InStore(rule, size, share.holders(), lastHeldSince, held);
    }

    /**
     * Takes over the states {@code stored} describes, which the store (opened from its checkpoint) holds under
     * {@code stored.rule()}: this store, fresh, takes that number; the counting filter of stored keys is rebuilt
     * from a scan of the rule's keys.
     */
    void restoreInStore(InStore stored) {
        if (size != 0 || states.size() != 0) {
            throw new IllegalStateException("the rule's store already has state");
        }
        number(stored.rule());
        size = stored.size();
        held = stored.partialMatches();
        lastHeldSince = stored.lastHeldSince();
        oldestHeldSince = 0;
        for (int i = 0; i < stored.holders(); i++) {
            share.joined();
        }
        storedKeys.recount(StoredKeys.slotsFor(size));
    }

    /** Deletes what rule number {@code rule} holds in {@code store}: a rule of a checkpoint not restored. */
    static void delete(KeyStore store, int rule) {
        try {
            store.deleteRange(prefix(rule), prefix(rule + 1));
            store.deleteRange(prefix(rule | 0x8000_0000), prefix((rule | 0x8000_0000) + 1));
        } catch (UncheckedIOException e) {
            throw failure("delete the state of a rule not restored", e);
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
        storedKeys = new StoredKeys();
        cache.keys -= states.size();
        states = new KeyTable();
        hand = 0;
        pinned = 0;
        unindexed = 0;
        joined.clear();
        size = 0;
        held = 0;
        share.cleared();
        oldestHeldSince = 0;
        try {
            store.deleteRange(prefix, nextPrefix);
            store.deleteRange(holdersPrefix, nextHoldersPrefix);
        } catch (UncheckedIOException e) {
            throw failure("delete the state of a removed rule", e);
        }
    }

    /**
     * The keys of this rule with a value in the store, as a counting filter over the hashes of their bytes (the
     * store's keys): "no" is exact, "may" is a stored key or one sharing its slot. Most keys the engine asks for and
     * has not cached were never stored (a key's first event; a state that came and went in the cache), and the
     * filter answers them without a call into the store. Byte counters, which stick at 255 (a slot that full stays
     * "may"); at least four slots per stored key, doubled by counting the store's keys again (a scan of the rule's
     * range, amortized over the keys stored since). Four to eight bytes per stored key, 1 KiB at least, and
     * {@link #MAX_SLOTS} bytes at most: beyond 4M stored keys of a rule the filter stops growing, so the heap it takes
     * is bounded whatever the key count, and answers "may" more often (at 10M keys about 45 % of the absent keys);
     * those reads cost RocksDB a look at its own bloom filters, not a data block.
     */
    private final class StoredKeys {
        private static final int MIN_SLOTS = 1 << 10;
        /** 16 MiB: four slots a key up to 4,194,304 stored keys. */
        private static final int MAX_SLOTS = 1 << 24;
        private byte[] counts = new byte[MIN_SLOTS];
        private int keys;

        boolean mayHold(byte[] key) {
            return counts[slot(key, counts.length)] != 0;
        }

        void entered(byte[] key) {
            if (++keys > counts.length / 4 && counts.length < MAX_SLOTS) {
                recount(counts.length * 2);   // the store has the key already: counted with the others
            } else {
                add(counts, key);
            }
        }

        void left(byte[] key) {
            keys--;
            int slot = slot(key, counts.length);
            if (counts[slot] != (byte) 0xFF) {
                counts[slot]--;
            }
        }

        /** The slots for {@code keys} stored keys: at least four a key, a power of two, within the bounds. */
        static int slotsFor(int keys) {
            int slots = MIN_SLOTS;
            while (slots < MAX_SLOTS && slots / 4 < keys) {
                slots *= 2;
            }
            return slots;
        }

        private void recount(int slots) {
            byte[] larger = new byte[slots];
            int counted = 0;
            try (KeyStore.Scan scan = store.scan(prefix, nextPrefix)) {
                for (KeyStore.Entry entry = scan.next(); entry != null; entry = scan.next()) {
                    add(larger, entry.key());
                    counted++;
                }
            } catch (UncheckedIOException e) {
                throw failure("count the stored keys", e);
            }
            counts = larger;
            keys = counted;
        }

        private static void add(byte[] counts, byte[] key) {
            int slot = slot(key, counts.length);
            if (counts[slot] != (byte) 0xFF) {
                counts[slot]++;
            }
        }

        private static int slot(byte[] key, int slots) {
            int h = Arrays.hashCode(key);
            return (h ^ (h >>> 16)) & (slots - 1);
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

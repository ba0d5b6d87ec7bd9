package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.match.PartialMatchesGraph;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;

/**
 * The default {@link KeyStateStore}: a {@link KeyTable} of live states, nothing to load or write back; {@code put} and
 * {@code release} only keep the partial-match count.
 *
 * <p>A restore refills the map, in the order a snapshot visited it, into a map of the capacity the snapshotted one
 * had (the table doubles past three quarters full and never shrinks, so its capacity follows from the most keys it
 * ever held): the restored table iterates in the same order and a second snapshot has the same bytes.
 *
 * <p>The keys holding partial matches are also queued in the order they began to hold them ({@link HolderQueue}):
 * joining appends, leaving only clears the state's {@link KeyState#heldSince}, eviction takes the oldest still
 * current. A restore queues them in the order of the {@code heldSince} they had.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class HeapKeyStore implements KeyStateStore {
    private final Matcher matcher;
    private final KeyBudget.Share share;
    private KeyTable keys = new KeyTable();
    /** Partial matches over every key, as of each key's last put or release. */
    private long held;
    /** The snapshot being written, or null. */
    private HeapCapture capture;
    /** Snapshots started so far: numbers them for {@link KeyState#savedIn}. */
    private int captures;
    private PartialMatchesGraph copier;
    private PartialMatchesGraph.Builder builder;
    /** The keys holding partial matches, oldest first (their count is the share's). */
    private final HolderQueue holderQueue = new HolderQueue();
    /** The last {@link KeyState#heldSince} given. */
    private long lastHeldSince;
    /** From {@link #presize} to {@link #finishRestore}: holders keep the {@link KeyState#heldSince} restored. */
    private boolean restoring;
    /** Restored holders with their {@link KeyState#heldSince}, queued in that order by {@link #finishRestore}. */
    private ArrayList<KeyState> restoredHolders;

    /** Told of every key entering and leaving the table, when the engine keeps one ({@link KeyPresence}); or null. */
    private final KeyPresence presence;

    HeapKeyStore(Matcher matcher, KeyBudget.Share share, KeyPresence presence) {
        this.matcher = matcher;
        this.share = share;
        this.presence = presence;
        if (presence != null) {
            presence.register(this);
        }
    }

    /** {@link KeyTable#countHashes} of this store's table (for {@link KeyPresence}'s growth). */
    int countHashes(int[] counts, int mask) {
        return keys.countHashes(counts, mask);
    }

    /** Keys looked up so far: what {@link RuleDispatch} spares (its tests count them). */
    long lookups;

    @Override
    public KeyState get(Object key) {
        lookups++;
        KeyState state = keys.get(key);
        if (capture != null && state != null) {
            capture.beforeChange(state);
        }
        return state;
    }

    /** The state itself: it stays the same object as long as its key lives. */
    @Override
    public Object handle(KeyState state) {
        return state;
    }

    @Override
    public KeyState find(Object handle) {
        KeyState state = (KeyState) handle;
        if (state.removed) {
            return null;   // the key went idle since; a later state of it is another object
        }
        if (capture != null) {
            capture.beforeChange(state);
        }
        return state;
    }

    @Override
    public Object keyOf(Object handle) {
        return ((KeyState) handle).key;
    }

    /** The handle is the state itself: a removed one is gone for good. */
    @Override
    public boolean holds(Object handle, long incarnation) {
        return !((KeyState) handle).removed;
    }

    @Override
    public void add(KeyState state) {
        if (capture != null) {
            capture.beforeTableChange();
        }
        if (!keys.add(state)) {
            throw new IllegalArgumentException("key " + state.key + " twice");
        }
        if (presence != null) {
            presence.entered(state);
        }
    }

    @Override
    public void put(KeyState state) {
        recount(state);   // in memory already
    }

    @Override
    public void release(KeyState state) {
        recount(state);
    }

    /**
     * Keeps {@link #held} and the holders up to date: the runtime ends every change of a state with put, release
     * or remove.
     */
    private void recount(KeyState state) {
        int before = state.counted;
        int now = matcher.partialMatchCount(state.partialMatches);
        held += now - before;
        state.counted = now;
        if (before == 0 && now > 0) {
            join(state);
        } else if (before > 0 && now == 0) {
            leave(state);
        }
    }

    /** The key begins to hold partial matches: it becomes the newest holder (a restored one waits for its turn). */
    private void join(KeyState state) {
        share.joined();
        if (restoring && state.heldSince != 0) {
            if (restoredHolders == null) {
                restoredHolders = new ArrayList<>();
            }
            restoredHolders.add(state);
            return;
        }
        state.heldSince = ++lastHeldSince;
        holderQueue.add(state);
    }

    /** The key holds no partial match any more: its entry in the queue goes stale. */
    private void leave(KeyState state) {
        share.left();
        state.heldSince = 0;
    }

    @Override
    public int holders() {
        return share.holders();
    }

    @Override
    public KeyState oldestHolder() {
        KeyState state = holderQueue.oldest();
        if (state != null && capture != null) {
            capture.beforeChange(state);
        }
        return state;
    }

    @Override
    public void finishRestore() {
        restoring = false;
        if (restoredHolders == null) {
            return;
        }
        restoredHolders.sort(Comparator.comparingLong(state -> state.heldSince));
        for (KeyState state : restoredHolders) {
            holderQueue.add(state);
            lastHeldSince = Math.max(lastHeldSince, state.heldSince);
        }
        restoredHolders = null;
    }

    @Override
    public void remove(KeyState state) {
        if (capture != null) {
            capture.beforeTableChange();
            capture.beforeRemove(state);
        }
        keys.remove(state);
        if (presence != null) {
            presence.left(state);
        }
        state.removed = true;
        held -= state.counted;
        if (state.counted > 0) {
            leave(state);
        }
        state.counted = 0;
    }

    @Override
    public int size() {
        return keys.size();
    }

    /** A running sum, so that the server's frequent counter reads do not visit every key. */
    @Override
    public long partialMatchCount() {
        return held;
    }

    /**
     * Copy-on-write, as Flink's heap state backend does: the capture holds the states of this moment in an array
     * (no state is copied yet), which it fills by walking the table's chains as its visits need them, or all at
     * once before the table changes (a key added or removed): so the capture of a table that stays as it is costs
     * no walk at the barrier (walking a million chained states was most of a checkpoint's stop, in cache misses).
     * A captured state not yet visited is copied when the runtime gets it, so about to
     * change it ({@link #get}), and the copy is visited in its place. Whether a state is captured follows from its
     * incarnation, not visited yet from {@link KeyState#savedIn}, its number is {@link KeyState#mark}: no pass
     * over the keys marks or clears anything. A captured state removed during the capture is remembered by key
     * for {@link Capture#numberOf}; removing is the only way a state leaves the table while a rule runs.
     */
    @Override
    public Capture capture(long lastIncarnation) {
        if (capture != null) {
            throw new IllegalStateException("a snapshot of rule states is already being written");
        }
        capture = new HeapCapture(keys, ++captures, lastIncarnation);
        return capture;
    }

    /**
     * The states of this moment, in an array (the table may grow while the walk goes on); a state removed or evicted
     * before its turn is skipped, one changed is seen as it is then.
     */
    @Override
    public Census census() {
        KeyState[] states = keys.toArray();
        return new Census() {
            private int next;

            @Override
            public boolean visit(Visitor visitor, int max) throws IOException {
                int end = (int) Math.min(states.length, (long) next + max);
                while (next < end) {
                    KeyState state = states[next];
                    states[next++] = null;
                    if (!state.removed && state.partialMatches != null) {
                        visitor.key(state);
                    }
                }
                return next == states.length;
            }

            @Override
            public void done() {
                java.util.Arrays.fill(states, next, states.length, null);
                next = states.length;
            }
        };
    }

    private final class HeapCapture implements Capture {
        /** The table as it was at the capture while {@link #walkedSlots} is below its capacity; unchanged since. */
        private final KeyTable table;
        /** The table's states in its order: filled up to {@link #walked}, visited up to {@link #next}. */
        private final KeyState[] states;
        private final int id;
        private final long lastIncarnation;
        private final IdentityHashMap<KeyState, KeyState> copies = new IdentityHashMap<>();
        private final HashMap<Object, KeyState> removed = new HashMap<>();
        private int walkedSlots;
        private int walked;
        private int next;

        HeapCapture(KeyTable table, int id, long lastIncarnation) {
            this.table = table;
            this.states = new KeyState[table.size()];
            this.id = id;
            this.lastIncarnation = lastIncarnation;
        }

        /** Walks the table's slots until {@code count} states are in the array (or the table is walked). */
        private void walkTo(int count) {
            int capacity = table.capacity();
            while (walked < count && walkedSlots < capacity) {
                for (KeyState state = table.first(walkedSlots++); state != null; state = state.next) {
                    states[walked++] = state;
                }
            }
        }

        /** The table is about to change: the rest of its states of the capture go into the array now. */
        void beforeTableChange() {
            walkTo(states.length);
        }

        boolean holds(KeyState state) {
            return state.incarnation <= lastIncarnation;
        }

        void beforeChange(KeyState state) {
            if (holds(state) && state.savedIn != id) {
                state.savedIn = id;
                copies.put(state, copyOf(state));
            }
        }

        void beforeRemove(KeyState state) {
            if (holds(state)) {
                removed.put(state.key, state);
            }
        }

        @Override
        public int size() {
            return states.length;
        }

        @Override
        public boolean visit(Visitor visitor, int max) throws IOException {
            int end = (int) Math.min(states.length, (long) next + max);
            walkTo(end);
            while (next < end) {
                KeyState state = states[next];
                states[next] = null;   // the array no longer keeps a removed state alive
                state.mark = ++next;
                KeyState copy = copies.remove(state);
                if (copy == null) {
                    state.savedIn = id;
                }
                visitor.key(copy == null ? state : copy);
            }
            return next == states.length;
        }

        @Override
        public int numberOf(Object key, long incarnation) {
            KeyState state = removed.get(key);
            if (state == null) {
                state = keys.get(key);
            }
            if (state == null || !holds(state) || (incarnation != ANY && state.incarnation != incarnation)) {
                return -1;
            }
            return state.mark - 1;
        }

        @Override
        public void done() {
            if (capture == this) {
                capture = null;
            }
        }
    }

    private KeyState copyOf(KeyState state) {
        if (copier == null) {
            copier = new PartialMatchesGraph();
            builder = new PartialMatchesGraph.Builder(Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
        KeyState copy = new KeyState(state.key, copier.copy(state.partialMatches, builder), state.incarnation);
        copy.waitingEvents = state.waitingEvents;
        copy.scheduledDeadline = state.scheduledDeadline;
        copy.advancedTo = state.advancedTo;
        copy.round = state.round;
        copy.heldSince = state.heldSince;
        return copy;
    }

    @Override
    public void presize(int mostKeys) {
        keys = KeyTable.grownTo(mostKeys);
        restoring = true;
    }

    @Override
    public void clear() {
        if (presence != null) {
            for (KeyState state : keys.toArray()) {
                presence.left(state);
            }
            presence.unregister(this);
        }
        keys = new KeyTable();
        held = 0;
        share.cleared();
        holderQueue.clear();
        restoredHolders = null;
    }
}

package dev.vigil.nfa.runtime;

import java.io.IOException;

/**
 * The keys table of one {@link RuleRuntime}: partition key to {@link KeyState}. Two backends: {@link HeapKeyStore}
 * (a hash table in memory; the default and fastest) and {@link SerializedKeyStore} (states serialized in a host's
 * {@link dev.vigil.nfa.KeyStore}: RocksDB, for more state than fits in memory).
 *
 * <p><b>Protocol.</b> A state got by {@link #get} or {@link #add} is live in memory until the runtime is done with
 * it: {@link #put} (changed, keep it), {@link #release} (unchanged) or {@link #remove} (idle, forget the key).
 * Within one engine call the same key always gives the same object. Between two engine calls no state is live,
 * which is when {@link #capture}, {@link #size} and {@link #partialMatchCount} are called. The heap store keeps its
 * states in memory and uses the protocol only to keep its partial-match count (and, while a capture is written, to
 * copy a state before it changes); the serialized store decodes a state on a {@code get} that misses its cache and
 * pins it until {@code put}/{@code release}/{@code remove}, writing it back when it leaves the cache changed (with a
 * cache of 0 keys, at once, as Flink's RocksDB state backend does).
 *
 * <p><b>Holders.</b> A store also keeps the keys holding partial matches in the order they began to hold them
 * (without a break), for eviction ({@link #oldestHolder}), and counts them, here and in the engine's
 * {@link KeyBudget}. A key joins on the {@code put} or {@code release} that finds it holding partial matches after
 * none, and leaves on the one that finds none, or on {@code remove}; no per-event work beyond that comparison.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
interface KeyStateStore {
    /** Marks "any incarnation" for {@link Capture#numberOf}. */
    long ANY = Long.MIN_VALUE;

    /** The key's state, or null when the key holds nothing ({@code key} null: never a key, gives null). */
    KeyState get(Object key);

    /**
     * What a waiting event or timer keeps to find {@code state} again ({@link #find}): the state itself when the
     * store keeps its states in memory (no second lookup of the key), else the key.
     */
    Object handle(KeyState state);

    /** The state {@code handle} leads to, as {@link #get} of its key gives it; null when the key holds nothing. */
    KeyState find(Object handle);

    /** The key {@code handle} names. */
    Object keyOf(Object handle);

    /**
     * Whether the state of incarnation {@code incarnation} that {@code handle} was taken from is still the key's:
     * false once it left the store (a timer set for it is stale). Between two engine calls.
     */
    boolean holds(Object handle, long incarnation);

    /** Adds the state of a key that has none. */
    void add(KeyState state);

    /** The runtime changed the state and keeps it. */
    void put(KeyState state);

    /** The runtime read the state and did not change it. */
    void release(KeyState state);

    /** Forgets the key. */
    void remove(KeyState state);

    int size();

    /** The keys holding partial matches. */
    int holders();

    /**
     * The state of the key that has held partial matches the longest, live as {@link #get} gives it; null when no
     * key holds any. Between two engine calls' key changes only (no state live).
     */
    KeyState oldestHolder();

    /** The partial matches held over every key. */
    long partialMatchCount();

    /**
     * Starts a snapshot of every state as it is at this moment, to be visited in slices between later engine
     * calls ({@link Capture#visit}): what the runtime does in between does not reach the states visited. At most
     * one capture at a time, started between two engine calls.
     *
     * @param lastIncarnation the last incarnation the runtime gave: states of later ones are not in the capture
     */
    Capture capture(long lastIncarnation) throws IOException;

    /**
     * Starts a walk over every state, visited in slices between later engine calls ({@link Census#visit}), for
     * counting what the keys hold: unlike a {@link #capture} it copies nothing before a change, so a state is seen as
     * it is when visited (the heap store) or as it was at the start (the serialized store's scan). Any number at a
     * time, started between two engine calls.
     */
    Census census();

    /** Before a restore: the most keys the table ever held, so the heap table can take the capacity it had. */
    void presize(int mostKeys);

    /**
     * After a restore added every key (keys holding partial matches with the {@link KeyState#heldSince} they had,
     * or 0 when the snapshot had none): the holders take their order from those numbers.
     */
    void finishRestore();

    /** Forgets every key: the rule is gone. */
    void clear();

    /** Receives the states of a {@link Capture#visit}. */
    interface Visitor {
        void key(KeyState state) throws IOException;
    }

    /** A walk over a store's states; see {@link #census}. */
    interface Census {
        /** Hands up to {@code max} more states to {@code visitor}; true once every state has been handed over. */
        boolean visit(Visitor visitor, int max) throws IOException;

        /** Ends the walk, finished or not. */
        void done();
    }

    /** A snapshot of a store's states being visited; see {@link #capture}. */
    interface Capture {
        /** The number of states captured. */
        int size();

        /**
         * Hands up to {@code max} more captured states to {@code visitor} (as they were when captured), numbering
         * them 0, 1, ... over the whole capture; true once every state has been handed over.
         */
        boolean visit(Visitor visitor, int max) throws IOException;

        /**
         * Once every state was visited: the number of {@code key}'s captured state, or -1 when the key had none or
         * one of another incarnation than {@code incarnation} ({@link #ANY} matches every incarnation).
         */
        int numberOf(Object key, long incarnation);

        /** Ends the capture, visited to the end or not; the store may start another. */
        void done();
    }
}

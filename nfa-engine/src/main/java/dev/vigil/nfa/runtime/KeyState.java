package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.PartialMatches;

/**
 * Everything one rule holds for one partition key: the NFA's partial matches, how many of the key's events
 * still wait for the watermark, and the earliest timer scheduled for it. A key with no partial matches and no
 * waiting events is removed from its {@link KeyStateStore}, so an idle key costs nothing.
 *
 * <p>The incarnation tells this state apart from an earlier state of the same key that went idle and was
 * removed: a timer names a key and the incarnation it was set for, and fires only while that incarnation lives.
 * (Timers hold the state itself only with the heap store, {@link KeyStateStore#handle}: the serialized store keeps
 * it off the heap between two visits.)
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class KeyState {
    final Object key;
    /**
     * Replaced by a fresh state when the key is evicted with events still waiting ({@link RuleRuntime#evictOldest});
     * null once an evicted key left its store (nothing reads a removed state: a stale timer would only keep the
     * dropped matches alive).
     */
    PartialMatches partialMatches;
    final long incarnation;
    int waitingEvents;
    long scheduledDeadline = Long.MAX_VALUE;
    /** The time the key's NFA was last advanced to, so that each timestamp advances it once. */
    long advancedTo = Long.MIN_VALUE;
    /** The release round in which the key last received events. */
    long round;
    /** Set by {@link HeapKeyStore} when the key went idle and left the table: waiting events no longer lead here. */
    boolean removed;
    /** The partial matches {@link HeapKeyStore}'s running count holds for this state. */
    int counted;
    /** Scratch for {@link HeapKeyStore}'s snapshots: the key's number in the latest snapshot that wrote it. */
    int mark;
    /**
     * Scratch for {@link HeapKeyStore}'s snapshots: the number of the latest snapshot that wrote this state or
     * copied it before a change (0: none).
     */
    int savedIn;
    /**
     * While the key holds partial matches: when it began to, as a number that grows with each key that begins
     * (its place in the order of eviction, {@link KeyStateStore#oldestHolder}); 0 while it holds none. Snapshotted,
     * so a restore keeps the order.
     */
    long heldSince;
    /** {@link KeyTable}'s: the key's spread hash, and the next state in the key's chain of the table. */
    int hash;
    KeyState next;
    /** {@link SerializedKeyStore}'s: what its cache knows of the state (its {@code CACHE_...} bits). */
    byte cache;

    KeyState(Object key, PartialMatches partialMatches, long incarnation) {
        this.key = key;
        this.partialMatches = partialMatches;
        this.incarnation = incarnation;
    }
}

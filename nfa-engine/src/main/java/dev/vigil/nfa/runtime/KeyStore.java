package dev.vigil.nfa.runtime;

import java.io.IOException;

/**
 * The keys table of one {@link RuleRuntime}: partition key to {@link KeyState}. Two backends: {@link HeapKeyStore}
 * (a hash map; the default and fastest) and {@link RocksDbKeyStore} (states serialized in RocksDB, for more state
 * than fits in memory).
 *
 * <p><b>Protocol.</b> A state got by {@link #get} or {@link #add} is live in memory until the runtime is done with
 * it: {@link #put} (changed, keep it), {@link #release} (unchanged) or {@link #remove} (idle, forget the key).
 * Within one engine call the same key always gives the same object. Between two engine calls no state is live,
 * which is when {@link #visit}, {@link #size} and {@link #partialMatchCount} are called. The heap store ignores the
 * protocol (its states are always in memory); the RocksDB store loads on {@code get} and writes back on
 * {@code put}, as Flink's RocksDB state backend does.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
interface KeyStore {
    /** Marks "any incarnation" for {@link Numbers#of}. */
    long ANY = Long.MIN_VALUE;

    /** The key's state, or null when the key holds nothing ({@code key} null: never a key, gives null). */
    KeyState get(Object key);

    /** Adds the state of a key that has none. */
    void add(KeyState state);

    /** The runtime changed the state and keeps it. */
    void put(KeyState state);

    /** The runtime read the state and did not change it. */
    void release(KeyState state);

    /** Forgets the key. */
    void remove(KeyState state);

    int size();

    /** The partial matches held over every key. */
    long partialMatchCount();

    /** Hands every state to {@code visitor} in the store's order and numbers them (0, 1, ...) in that order. */
    Numbers visit(Visitor visitor) throws IOException;

    /** Before a restore: the most keys the table ever held, so the heap table can take the capacity it had. */
    void presize(int mostKeys);

    /** Forgets every key: the rule is gone. */
    void clear();

    /** Receives the states of a {@link #visit}. */
    interface Visitor {
        void key(KeyState state) throws IOException;
    }

    /** The numbers a {@link #visit} gave the keys; valid until {@link #done}. */
    interface Numbers {
        /**
         * The number of {@code key}'s state, or -1 when it has none or its state is not of {@code incarnation}
         * ({@link #ANY} matches every incarnation).
         */
        int of(Object key, long incarnation);

        void done();
    }
}

package dev.vigil.nfa.runtime;

import java.util.Objects;

/**
 * The heap store's table of live key states: a hash table chained through the states themselves
 * ({@link KeyState#next}), so a key costs one array slot and no entry object, and a lookup reaches the state
 * without the extra hop a {@code HashMap} node takes (the lookup of each arriving event's key was a fifth of a
 * simple rule's time, most of it cache misses).
 *
 * <p>It hashes, places and resizes exactly as {@code HashMap} does without tree bins (hash spread by its high
 * half, power-of-two capacity, doubled past three quarters full, new states at the end of their chain, chains
 * split in order on resize): states iterate in the order a {@code HashMap} of the same history would give, and a
 * table of the same capacity refilled in iteration order iterates the same way again.
 *
 * <p><b>Not thread-safe:</b> owned by one key store.
 */
final class KeyTable {
    private static final int MIN_CAPACITY = 16;

    private KeyState[] slots;
    private int size;

    KeyTable() {
        this(MIN_CAPACITY);
    }

    /** An empty table of {@code capacity} slots, a power of two. */
    KeyTable(int capacity) {
        if (capacity < MIN_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two from 16");
        }
        slots = new KeyState[capacity];
    }

    /**
     * An empty table of the capacity a table that once held {@code mostKeys} states has (it grows past three
     * quarters full and never shrinks): a restore refills it in the order the snapshotted table iterated.
     */
    static KeyTable grownTo(int mostKeys) {
        int capacity = MIN_CAPACITY;
        while (overfull(mostKeys, capacity)) {
            capacity *= 2;
        }
        return new KeyTable(capacity);
    }

    private static boolean overfull(int size, int capacity) {
        return size > capacity / 4 * 3;
    }

    /** {@code HashMap}'s spread: the high half of the hash reaches the low bits that pick the slot. */
    static int spread(Object key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    /** The live state of {@code key}, or null (also for a null key). */
    KeyState get(Object key) {
        if (key == null) {
            return null;
        }
        int hash = spread(key);
        for (KeyState state = slots[hash & (slots.length - 1)]; state != null; state = state.next) {
            if (state.hash == hash && (state.key == key || key.equals(state.key))) {
                return state;
            }
        }
        return null;
    }

    /** Adds a state whose key has none here; false (and nothing changed) when the key has one. */
    boolean add(KeyState state) {
        Object key = Objects.requireNonNull(state.key, "key");
        if (get(key) != null) {
            return false;
        }
        state.hash = spread(key);
        state.next = null;
        int index = state.hash & (slots.length - 1);
        KeyState last = slots[index];
        if (last == null) {
            slots[index] = state;
        } else {
            while (last.next != null) {
                last = last.next;
            }
            last.next = state;
        }
        if (overfull(++size, slots.length)) {
            grow();
        }
        return true;
    }

    /** Takes {@code state} out of the table; nothing when it is not in it. */
    void remove(KeyState state) {
        int index = state.hash & (slots.length - 1);
        KeyState previous = null;
        for (KeyState at = slots[index]; at != null; previous = at, at = at.next) {
            if (at == state) {
                if (previous == null) {
                    slots[index] = at.next;
                } else {
                    previous.next = at.next;
                }
                at.next = null;
                size--;
                return;
            }
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return slots.length;
    }

    /** The first state of slot {@code slot} (below {@link #capacity}), or null; its chain follows {@code next}. */
    KeyState first(int slot) {
        return slots[slot];
    }

    /** Adds one to {@code counts[hash & mask]} for each state's hash; returns how many states were counted. */
    int countHashes(int[] counts, int mask) {
        for (KeyState first : slots) {
            for (KeyState state = first; state != null; state = state.next) {
                counts[state.hash & mask]++;
            }
        }
        return size;
    }

    /** Every state, slot by slot, each chain in order. */
    KeyState[] toArray() {
        KeyState[] states = new KeyState[size];
        int n = 0;
        for (KeyState first : slots) {
            for (KeyState state = first; state != null; state = state.next) {
                states[n++] = state;
            }
        }
        return states;
    }

    /** Doubles the slots; each chain splits into the two slots it may go to, keeping its order. */
    private void grow() {
        KeyState[] old = slots;
        int oldCapacity = old.length;
        KeyState[] grown = new KeyState[oldCapacity * 2];
        for (int i = 0; i < oldCapacity; i++) {
            KeyState lowHead = null;
            KeyState lowTail = null;
            KeyState highHead = null;
            KeyState highTail = null;
            for (KeyState state = old[i]; state != null; ) {
                KeyState next = state.next;
                state.next = null;
                if ((state.hash & oldCapacity) == 0) {
                    if (lowTail == null) {
                        lowHead = state;
                    } else {
                        lowTail.next = state;
                    }
                    lowTail = state;
                } else {
                    if (highTail == null) {
                        highHead = state;
                    } else {
                        highTail.next = state;
                    }
                    highTail = state;
                }
                state = next;
            }
            grown[i] = lowHead;
            grown[i + oldCapacity] = highHead;
        }
        slots = grown;
    }
}

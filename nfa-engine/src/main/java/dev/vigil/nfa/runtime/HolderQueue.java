package dev.vigil.nfa.runtime;

import java.util.Arrays;

/**
 * The heap store's keys holding partial matches, in the order they began to hold them: an array of states, each
 * with the {@link KeyState#heldSince} it joined with. Joining appends; leaving writes nothing here (the state's
 * {@code heldSince} changes, which makes its entry stale); the oldest holder is the first entry still current, the
 * stale ones before it dropped on the way. A full array is first cleared of stale entries, and grows only when more
 * than half of it is current, so it holds at most about four entries per holder and each operation takes amortized
 * constant time, with no neighbours to update (a doubly linked list through the states touched both neighbours of
 * every key that joined or left, two cache misses at many keys).
 *
 * <p><b>Not thread-safe:</b> owned by one key store.
 */
final class HolderQueue {
    private KeyState[] states = new KeyState[16];
    private long[] since = new long[16];
    private int head;
    private int tail;

    /** Appends {@code state}, which has just begun to hold partial matches ({@code heldSince} set). */
    void add(KeyState state) {
        if (tail == states.length) {
            makeRoom();
        }
        states[tail] = state;
        since[tail] = state.heldSince;
        tail++;
    }

    /** The state that has held partial matches the longest, or null when none does. */
    KeyState oldest() {
        while (head < tail) {
            if (states[head].heldSince == since[head]) {
                return states[head];
            }
            states[head++] = null;
        }
        return null;
    }

    void clear() {
        Arrays.fill(states, head, tail, null);
        head = 0;
        tail = 0;
    }

    /** Drops the stale entries, keeping the order; doubles the arrays when more than half of them stays. */
    private void makeRoom() {
        int kept = 0;
        for (int i = head; i < tail; i++) {
            if (states[i].heldSince == since[i]) {
                states[kept] = states[i];
                since[kept] = since[i];
                kept++;
            }
        }
        Arrays.fill(states, kept, tail, null);
        head = 0;
        tail = kept;
        if (kept > states.length / 2) {
            states = Arrays.copyOf(states, states.length * 2);
            since = Arrays.copyOf(since, since.length * 2);
        }
    }
}

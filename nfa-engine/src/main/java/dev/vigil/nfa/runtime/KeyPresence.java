package dev.vigil.nfa.runtime;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Which keys may hold a state in some rule of one engine: a counting filter over the keys' hashes, kept by every
 * {@link HeapKeyStore} of the engine as states come and go. "No" is exact (no rule holds a state for the key); "may"
 * is a key that holds one, or a key sharing its slot with one. One probe per event, where asking each rule's table
 * costs a probe per rule: {@link RuleDispatch} visits only the rules an event can start when the key holds
 * nothing anywhere.
 *
 * <p>The table keeps at least four slots per live state (so that most slots of a sparse key space are empty), and
 * doubles by counting the stores' states again; it never shrinks, as the key tables do not. Heap stores only: a
 * serialized store keeps its keys out of memory, and its engine dispatches every event to every rule.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
final class KeyPresence {
    private static final int MIN_SLOTS = 1 << 10;

    private final ArrayList<HeapKeyStore> stores = new ArrayList<>();
    private int[] counts = new int[MIN_SLOTS];
    private int live;

    void register(HeapKeyStore store) {
        stores.add(store);
    }

    /** The store holds no state any more and is not used again (its rule was removed or replaced). */
    void unregister(HeapKeyStore store) {
        stores.remove(store);
    }

    /** Whether some rule may hold a state for {@code key}; false is certain. */
    boolean mayHold(Object key) {
        return counts[KeyTable.spread(key) & (counts.length - 1)] != 0;
    }

    /**
     * A state entered its store's table, which gave it its key's hash ({@link KeyState#hash}, {@link KeyTable#spread}):
     * the presence reads that, not the key, which at a million keys is a cache miss of its own.
     */
    void entered(KeyState state) {
        counts[state.hash & (counts.length - 1)]++;
        if (++live > counts.length / 4) {
            grow();
        }
    }

    /** A state left its store's table (its {@link KeyState#hash} is still its key's). */
    void left(KeyState state) {
        counts[state.hash & (counts.length - 1)]--;
        live--;
    }

    /** Doubles the slots, counting every store's states again by the hashes their tables keep (no copy, no key read). */
    private void grow() {
        int[] larger = new int[counts.length * 2];
        int mask = larger.length - 1;
        int recounted = 0;
        for (HeapKeyStore store : stores) {
            recounted += store.countHashes(larger, mask);
        }
        counts = larger;
        live = recounted;
    }

    @Override
    public String toString() {
        return "KeyPresence[" + live + " states, " + counts.length + " slots, " + Arrays.stream(counts).filter(c -> c
                != 0).count() + " used]";
    }
}

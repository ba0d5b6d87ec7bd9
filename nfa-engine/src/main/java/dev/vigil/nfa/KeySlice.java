package dev.vigil.nfa;

import dev.vigil.nfa.runtime.PartitionKey;
import java.util.List;

/**
 * The part of the key space one engine owns when several engines (the server's shards) share the work: key
 * {@code k} belongs to slice {@code shardOf(k, count)}. Every event of a key goes to the one engine owning it, so
 * state per (rule, key) lives in exactly one place and needs no locks.
 *
 * <p>The slice of a key depends only on the key's value ({@code String}, number, boolean, null, or a list of those
 * for a composite key) and the number of slices, never on the process: a restarted server routes every key to
 * the same slice, which recovery from a checkpoint relies on.
 *
 * @param index this engine's slice, {@code 0 <= index < count}
 * @param count the number of slices; 1 means the engine owns every key
 */
public record KeySlice(int index, int count) {
    /** One engine owning every key. */
    public static final KeySlice ALL = new KeySlice(0, 1);

    public KeySlice {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("slice " + index + " of " + count);
        }
    }

    /** True when this engine owns {@code key} (a key as the engine computes it). */
    public boolean owns(Object key) {
        return count == 1 || sliceOf(key, count) == index;
    }

    /** The slice owning the key that {@code partitionBy} gives {@code event}, out of {@code count}. */
    public static int sliceOf(List<List<String>> partitionBy, Event event, int count) {
        return count == 1 ? 0 : sliceOf(PartitionKey.of(partitionBy, event), count);
    }

    /**
     * The slice owning {@code key}, the key as alerts show it ({@code null}, a value, or a list for a composite key),
     * of a rule partitioned by {@code partitionBy}, out of {@code count}: where to ask about that key.
     *
     * @throws IllegalArgumentException a key of another shape than {@code partitionBy} makes
     */
    public static int sliceOfKey(List<List<String>> partitionBy, Object key, int count) {
        Object held = PartitionKey.internal(partitionBy, key);
        return count == 1 ? 0 : sliceOf(held, count);
    }

    private static int sliceOf(Object key, int count) {
        int hash = key.hashCode();
        hash ^= hash >>> 16;   // spread the high bits: String hashes of similar ids differ mostly in low bits
        hash *= 0x9E3779B1;
        return Math.floorMod(hash ^ (hash >>> 15), count);
    }
}

package dev.vigil.server.sequencer;

import java.nio.charset.StandardCharsets;

/**
 * The identity a source gives an event it can name again after a crash ({@link dev.vigil.nfa.Event#identity}, what
 * alert ids are derived from): a fixed 64-bit mix of the source's own coordinates, the same in every JVM and every
 * version of Vigil. A client's named batch names its events by {@code (producer, batch sequence, index in the
 * batch)}; a Kafka record by {@code (topic, partition, offset)}.
 *
 * <p>The function. A name is hashed with 64-bit FNV-1a over a kind byte ({@code 'b'} batch, {@code 'k'} Kafka) and
 * its UTF-8 bytes; the number that follows it (batch sequence, partition) is mixed in with the SplitMix64 finalizer,
 * giving a base per batch or partition, computed once; each event's identity is then the finalizer of the base plus
 * its position times the golden ratio, with the top bit set. Per event that is a few multiplications, no allocation.
 * The finalizer is a bijection, so the events of one batch or partition never share an identity but for the top
 * bit.
 *
 * <p>Collisions. The top bit is set on every identity made here and never on the server's own numbers (the
 * identity of an unnamed event: positive, counted from 1), so a named event never takes an unnamed one's identity.
 * Between two named events from different coordinates the chance is 2<sup>-63</sup> per pair. It matters only
 * inside one alert's id: an id digests the rule, its version, the kind, the key and the bound events' identities,
 * so two alerts share an id only if they are of the same rule, key and kind and their events differ by colliding
 * ones; a key with a million events in its history has about 2<sup>-24</sup> of a chance of holding any colliding
 * pair at all.
 *
 * <p><b>Thread-safe:</b> pure functions.
 */
public final class EventIdentity {
    /** Set on every identity made here: the server's numbers never have it. */
    static final long NAMED = Long.MIN_VALUE;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private EventIdentity() {
    }

    /** The identity of the event at {@code index} (from 0, among the batch's events and watermarks) of a batch. */
    public static long ofBatch(String producer, long sequence, int index) {
        return at(batch(producer, sequence), index);
    }

    /** The identity of the Kafka record at {@code offset} of a topic's partition. */
    public static long ofRecord(String topic, int partition, long offset) {
        return at(partition(topic, partition), offset);
    }

    /** The base of a batch's identities ({@link #at}): once per batch. */
    public static long batch(String producer, long sequence) {
        return mix(name('b', producer) + mix(sequence));
    }

    /** The base of a partition's identities ({@link #at}): once per partition. */
    public static long partition(String topic, int partition) {
        return mix(name('k', topic) + mix(partition));
    }

    /** The identity at {@code position} (an index in a batch, an offset) from a {@link #batch} or {@link #partition}. */
    public static long at(long base, long position) {
        return mix(base + (position + 1) * GOLDEN) | NAMED;
    }

    /** FNV-1a over the kind byte and the name's UTF-8 bytes. */
    private static long name(char kind, String name) {
        long hash = (FNV_OFFSET ^ kind) * FNV_PRIME;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
        }
        return hash;
    }

    /** The SplitMix64 finalizer (Steele, Lea, Flood 2014): a bijection on 64 bits with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

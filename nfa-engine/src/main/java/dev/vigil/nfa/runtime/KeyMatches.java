package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.PartialMatches;

/**
 * One key's partial matches of one rule, decoded: what a host that keeps key states on its heap holds between two
 * visits of {@link KeyRunner} (a Flink job on the heap state backend), where a host keeping bytes decodes and
 * encodes them at each visit. A visit changes it in place. {@link #encode} gives the bytes {@link KeyRunner}'s byte
 * visits give for the same state; {@link #decode} reads them back.
 *
 * <p><b>Not thread-safe:</b> a visit changes it, and so does {@link #encode} (the walk over the partial matches
 * marks them): one thread at a time, a host that hands it to another thread (a snapshot's writer) locks it.
 */
public final class KeyMatches {
    final Object key;
    final PartialMatches partialMatches;
    long advancedTo;
    long nextDeadline;

    KeyMatches(Object key, PartialMatches partialMatches, long advancedTo, long nextDeadline) {
        this.key = key;
        this.partialMatches = partialMatches;
        this.advancedTo = advancedTo;
        this.nextDeadline = nextDeadline;
    }

    /** When the key must be visited again without an event ({@link Long#MAX_VALUE}: never). */
    public long nextDeadline() {
        return nextDeadline;
    }

    /** The key state's bytes in {@code format} (the rule's {@code KeyStateCodec}). */
    public byte[] encode(KeyStateFormat format) {
        return format.encode(key, 0, nextDeadline, advancedTo, 0, 0, 0, partialMatches);
    }

    /**
     * Reads a key state's bytes back.
     *
     * @throws java.io.UncheckedIOException not a key state of {@code format}'s rule
     */
    public static KeyMatches decode(KeyStateFormat format, byte[] bytes) {
        KeyStateFormat.Decoded decoded = format.decode(bytes);
        return new KeyMatches(decoded.key(), decoded.partialMatches(), decoded.advancedTo(),
                decoded.scheduledDeadline());
    }
}

package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.PartialMatches;

/**
 * One key's state of one rule to bytes and back, for {@link SerializedKeyStore}: equal keys give equal bytes, and a
 * value stands alone. Implemented by {@code state.KeyStateCodec} in the snapshot format's pieces; the engine hands
 * one per rule to the store, so this package does not depend on the snapshot format.
 *
 * <p><b>Not thread-safe:</b> one per store.
 */
public interface KeyStateFormat {
    /** A key's state as read back. */
    record Decoded(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
            long heldSince, long incarnation, PartialMatches partialMatches) {}

    /** {@code prefix} followed by the key's bytes. */
    byte[] key(byte[] prefix, Object key);

    byte[] encode(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round, long heldSince,
            long incarnation, PartialMatches partialMatches);

    /** @throws java.io.UncheckedIOException corrupt or truncated bytes */
    Decoded decode(byte[] value);
}

package dev.vigil.bench.compare;

/**
 * Counts matches and folds them into a fingerprint that does not depend on the order matches arrive in: each
 * match hashes the ids of its events in pattern order, and the fingerprint is the sum of those hashes. Two engines
 * with the same count and fingerprint found the same matches (up to a 64-bit hash collision).
 *
 * <p>Use: {@code begin()}, {@code event(id)} for each event of the match in pattern order, {@code end()}. Not
 * thread-safe: one engine thread feeds it.
 */
public final class MatchTally {
    private long count;
    private long fingerprint;
    private long current;

    public void begin() {
        current = 0x9E3779B97F4A7C15L;
    }

    public void event(long id) {
        current = mix(current * 31 + id);
    }

    public void end() {
        count++;
        fingerprint += current;
    }

    public long count() {
        return count;
    }

    public long fingerprint() {
        return fingerprint;
    }

    /** The finalizer of SplitMix64: spreads every input bit over the whole word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

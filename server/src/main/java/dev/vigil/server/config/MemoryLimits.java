package dev.vigil.server.config;

import dev.vigil.nfa.EngineConfig;

/**
 * How the server keeps its heap from filling: bounds on the keys holding partial matches (split evenly between
 * the shards; beyond them the keys that have held partial matches the longest are evicted, see
 * {@link EngineConfig.KeyBounds}), and the heap occupancy after garbage collection at which ingestion pauses and
 * below which it resumes ({@code MemoryGuard}).
 *
 * @param maxKeys keys holding partial matches over every rule
 * @param maxKeysPerRule keys holding partial matches in one rule
 * @param heapPausePercent heap in use after a collection, in percent of the most it may grow to, at which
 *     ingestion pauses; 0 turns the pause off
 * @param heapResumePercent the percentage below which a paused ingestion resumes; below {@code heapPausePercent}
 */
public record MemoryLimits(int maxKeys, int maxKeysPerRule, int heapPausePercent, int heapResumePercent) {
    public static final int DEFAULT_HEAP_PAUSE_PERCENT = 90;
    public static final int DEFAULT_HEAP_RESUME_PERCENT = 80;

    public MemoryLimits {
        if (maxKeys < 1 || maxKeysPerRule < 1) {
            throw new IllegalArgumentException("key bounds " + maxKeys + " in all, " + maxKeysPerRule
                    + " per rule: each must be at least 1");
        }
        if (heapPausePercent < 0 || heapPausePercent > 100 || heapResumePercent < 0 || heapResumePercent > 100) {
            throw new IllegalArgumentException("heap percentages " + heapPausePercent + " and " + heapResumePercent
                    + " outside 0..100");
        }
        if (heapPausePercent > 0 && heapResumePercent >= heapPausePercent) {
            throw new IllegalArgumentException("heapResumePercent (" + heapResumePercent
                    + ") must be below heapPausePercent (" + heapPausePercent + ")");
        }
    }

    /** Keys bounded by this JVM's heap ({@link EngineConfig.KeyBounds#forHeap}); pause at 90%, resume below 80%. */
    public static MemoryLimits defaults() {
        EngineConfig.KeyBounds keys = EngineConfig.KeyBounds.forHeap(Runtime.getRuntime().maxMemory());
        return new MemoryLimits(keys.maxKeys(), keys.maxKeysPerRule(), DEFAULT_HEAP_PAUSE_PERCENT,
                DEFAULT_HEAP_RESUME_PERCENT);
    }

    /** One of {@code shards} engines' share of the key bounds. */
    public EngineConfig.KeyBounds keyBoundsPerShard(int shards) {
        return new EngineConfig.KeyBounds(maxKeysPerRule, maxKeys).perEngine(shards);
    }
}

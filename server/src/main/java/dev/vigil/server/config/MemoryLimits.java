package dev.vigil.server.config;

import dev.vigil.nfa.EngineConfig;

/**
 * How the server keeps its heap from filling: bounds on the keys holding partial matches (split evenly between
 * the shards; beyond them the keys that have held partial matches the longest are evicted, see
 * {@link EngineConfig.KeyBounds}), and the heap occupancy after garbage collection at which ingestion pauses and
 * below which it resumes ({@code MemoryGuard}); and the producers of named batches remembered
 * ({@code ProducerWindow}).
 *
 * @param maxKeys keys holding partial matches over every rule
 * @param maxKeysPerRule keys holding partial matches in one rule
 * @param heapPausePercent heap in use after a collection, in percent of the most it may grow to, at which
 *     ingestion pauses; 0 turns the pause off
 * @param heapResumePercent the percentage below which a paused ingestion resumes; below {@code heapPausePercent}
 * @param maxProducers producers of named batches whose highest batch is remembered (the least recently active is
 *     forgotten beyond it)
 */
public record MemoryLimits(int maxKeys, int maxKeysPerRule, int heapPausePercent, int heapResumePercent,
        int maxProducers) {
    public static final int DEFAULT_HEAP_PAUSE_PERCENT = 90;
    public static final int DEFAULT_HEAP_RESUME_PERCENT = 80;
    /** Producers of named batches remembered unless configured otherwise. */
    public static final int DEFAULT_MAX_PRODUCERS = 10_000;

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
        if (maxProducers < 1) {
            throw new IllegalArgumentException("maxProducers " + maxProducers + " < 1");
        }
    }

    /** Limits that remember the default number of producers ({@link #DEFAULT_MAX_PRODUCERS}). */
    public MemoryLimits(int maxKeys, int maxKeysPerRule, int heapPausePercent, int heapResumePercent) {
        this(maxKeys, maxKeysPerRule, heapPausePercent, heapResumePercent, DEFAULT_MAX_PRODUCERS);
    }

    public MemoryLimits withMaxProducers(int producers) {
        return new MemoryLimits(maxKeys, maxKeysPerRule, heapPausePercent, heapResumePercent, producers);
    }

    /** Keys bounded by this JVM's heap ({@link EngineConfig.KeyBounds#forHeap}); pause at 90%, resume below 80%. */
    public static MemoryLimits defaults() {
        EngineConfig.KeyBounds keys = EngineConfig.KeyBounds.forHeap(Runtime.getRuntime().maxMemory());
        return new MemoryLimits(keys.maxKeys(), keys.maxKeysPerRule(), DEFAULT_HEAP_PAUSE_PERCENT,
                DEFAULT_HEAP_RESUME_PERCENT);
    }

    /**
     * The default key bound on {@code backend}: on the heap {@link #defaults}'s; with key state in RocksDB, what a key
     * leaves on the heap bounds it ({@link EngineConfig.KeyBounds#forHeapWithRocksDb}: sixteen times as many keys).
     */
    public static int defaultMaxKeys(ServerConfig.StateBackend backend) {
        long heap = Runtime.getRuntime().maxMemory();
        return (backend == ServerConfig.StateBackend.ROCKSDB ? EngineConfig.KeyBounds.forHeapWithRocksDb(heap)
                : EngineConfig.KeyBounds.forHeap(heap)).maxKeys();
    }

    /** One of {@code shards} engines' share of the key bounds. */
    public EngineConfig.KeyBounds keyBoundsPerShard(int shards) {
        return new EngineConfig.KeyBounds(maxKeysPerRule, maxKeys).perEngine(shards);
    }
}

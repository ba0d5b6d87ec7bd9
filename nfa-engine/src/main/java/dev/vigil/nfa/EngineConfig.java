package dev.vigil.nfa;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * How an {@link Engine} treats time and bounds state. Immutable; use the {@code with...} methods.
 *
 * @param timeMode event time (buffer until the watermark passes) or processing time (no buffering)
 * @param defaultWatermarkDelayMs watermark delay for streams without a {@code WATERMARK DELAY} declaration
 * @param watermarksFromInputOnly when true, only explicit watermarks ({@link Engine#advanceWatermark}) move
 *     time; event timestamps do not
 * @param maxPartialMatchesPerKey bound on partial matches held per (rule, key); when exceeded the oldest
 *     are dropped and counted
 * @param maxWorkPerEvent bound on the work one event (or one advance of time) may cost a (rule, key): runs stepped
 *     and created, shared-buffer edges examined, events copied into matches
 *     ({@link dev.vigil.nfa.match.Matcher#process}); when exceeded the key's partial matches are all dropped and
 *     counted
 * @param slice the keys this engine owns; events of other keys are ignored (several engines share the work)
 * @param rocksDbState null to keep key state on the heap (the default, fastest) or in {@code keyStore}; else a
 *     folder, owned by the engine and emptied when it starts, where a RocksDB database holds the rules' per-key
 *     partial matches (for more state than fits in memory; needs module {@code nfa-rocksdb} on the class or module
 *     path, which provides the store); waiting events, timers and clocks stay on the heap either way, and
 *     snapshots are the same for all
 * @param keyBounds bounds on the keys holding partial matches, per rule and over every rule; beyond them the keys
 *     that have held partial matches the longest are evicted (see {@link KeyBounds})
 * @param keyStore null, or what opens the host's {@link KeyStore} for each engine made with this config (the engine
 *     closes it); key state is then serialized into that store (see {@link KeyStore})
 * @param cachedKeys with key state in RocksDB or a key store: how many keys' states the engine keeps decoded in
 *     memory in front of the store (the keys touched last, written back when they leave the cache and before a
 *     snapshot reads the store), over every rule; 0 writes every state back as soon as the engine is done with it.
 *     Bounds the memory the states take whatever the number of keys; unused with heap state
 */
public record EngineConfig(TimeMode timeMode, long defaultWatermarkDelayMs, boolean watermarksFromInputOnly,
        int maxPartialMatchesPerKey, long maxWorkPerEvent, KeySlice slice, Path rocksDbState, KeyBounds keyBounds,
        Supplier<KeyStore> keyStore, int cachedKeys) {

    public enum TimeMode {
        EVENT,
        PROCESSING
    }

    public static final int DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY = 10_000;
    /**
     * Some milliseconds of one core per event and key at most; an ordinary rule does a few units per partial match
     * (docs/semantics.md, "Work bound").
     */
    public static final long DEFAULT_MAX_WORK_PER_EVENT = 1_000_000;
    /**
     * Keys whose states an engine keeping key state in a store caches decoded: at the 600-1,000 bytes a key holding
     * a partial match takes on the heap (docs/performance.md), 60-100 MB per engine.
     */
    public static final int DEFAULT_CACHED_KEYS = 100_000;

    /**
     * How many keys of one engine may hold partial matches: {@code maxKeysPerRule} per rule, {@code maxKeys} over
     * every rule. When a release or a timer leaves more, the key that has held partial matches the longest (without
     * a break) loses them, until the bound holds again: in the rule over its own bound, else in the rule holding
     * the most keys (so a rule flooded with keys loses state before the rules beside it). Evicted keys and their
     * partial matches are counted ({@link RuleCounters#evictedKeys}) and reported
     * ({@link EngineListener#onKeyEvicted}). Flink CEP has no such bound: results differ only when it trips.
     */
    public record KeyBounds(int maxKeysPerRule, int maxKeys) {
        /**
         * Heap a key holding one partial match takes in a running server, rounded up: the engine alone retains
         * 610-754 bytes (docs/performance.md, memory per key); a server retained 1.1 KB per key for events of five
         * JSON fields (heap after full collections, 200,000 keys of {@code a -> b WITHIN 1 HOUR}), and issue 16 saw
         * about 1.6 KB; larger events take more.
         */
        public static final long BYTES_PER_KEY = 2_048;
        /**
         * Heap a key holding partial matches takes when its state is in RocksDB, rounded up: what stays on the heap
         * is its window timer with the key object it names (the timer 40 B, the key 50-80 B as a string of a few
         * characters) and its share of the counting filter of stored keys (4-8 B); a 2 GiB heap was 91 % full at
         * 16.7M such keys, about 115 B a key with everything else the server holds (docs/performance.md, round 3).
         */
        public static final long ROCKSDB_BYTES_PER_KEY = 128;
        /** The share of the heap the default bounds let key state take, in percent. */
        public static final int HEAP_PERCENT = 50;

        public KeyBounds {
            if (maxKeysPerRule < 1 || maxKeys < 1) {
                throw new IllegalArgumentException("key bounds " + maxKeysPerRule + " per rule, " + maxKeys
                        + " in all: each must be at least 1");
            }
        }

        /**
         * The default for a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory}): keys enough to fill
         * {@link #HEAP_PERCENT} of it at {@link #BYTES_PER_KEY}, per rule and in all.
         */
        public static KeyBounds forHeap(long maxHeapBytes) {
            return forHeap(maxHeapBytes, BYTES_PER_KEY);
        }

        /**
         * The default for a heap of {@code maxHeapBytes} when key state is in RocksDB: keys enough to fill
         * {@link #HEAP_PERCENT} of it at {@link #ROCKSDB_BYTES_PER_KEY} (what a key leaves on the heap), sixteen
         * times the heap default: 8,388,608 keys for a heap of 2 GiB, where the heap default would evict past
         * 524,288.
         */
        public static KeyBounds forHeapWithRocksDb(long maxHeapBytes) {
            return forHeap(maxHeapBytes, ROCKSDB_BYTES_PER_KEY);
        }

        private static KeyBounds forHeap(long maxHeapBytes, long bytesPerKey) {
            long keys = Math.max(1, maxHeapBytes / bytesPerKey * HEAP_PERCENT / 100);
            int bound = (int) Math.min(Integer.MAX_VALUE, keys);
            return new KeyBounds(bound, bound);
        }

        /** No bound that input can reach (tests, tools that must match Flink CEP at any size). */
        public static KeyBounds unbounded() {
            return new KeyBounds(Integer.MAX_VALUE, Integer.MAX_VALUE);
        }

        /**
         * One engine's share when {@code engines} engines split the keys (the server's shards): each bound divided,
         * rounded up.
         */
        public KeyBounds perEngine(int engines) {
            return new KeyBounds(share(maxKeysPerRule, engines), share(maxKeys, engines));
        }

        private static int share(int bound, int engines) {
            return bound == Integer.MAX_VALUE ? bound : (int) ((bound + (long) engines - 1) / engines);
        }
    }

    public EngineConfig {
        if (defaultWatermarkDelayMs < 0) {
            throw new IllegalArgumentException("watermark delay " + defaultWatermarkDelayMs + " ms is negative");
        }
        if (maxPartialMatchesPerKey < 1) {
            throw new IllegalArgumentException("max partial matches per key " + maxPartialMatchesPerKey + " < 1");
        }
        if (maxWorkPerEvent < 1) {
            throw new IllegalArgumentException("max work per event " + maxWorkPerEvent + " < 1");
        }
        if (slice == null) {
            throw new IllegalArgumentException("slice is null");
        }
        if (keyBounds == null) {
            throw new IllegalArgumentException("key bounds are null");
        }
        if (rocksDbState != null && keyStore != null) {
            throw new IllegalArgumentException("key state goes either to RocksDB or to a key store, not both");
        }
        if (cachedKeys < 0) {
            throw new IllegalArgumentException("cached keys " + cachedKeys + " < 0");
        }
    }

    /**
     * Event time, no watermark delay, watermarks from event timestamps, 10,000 partial matches per key, 1,000,000
     * units of work per event and key, every key owned, keys bounded by this JVM's heap ({@link KeyBounds#forHeap}).
     */
    public static EngineConfig defaults() {
        return new EngineConfig(TimeMode.EVENT, 0, false, DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY,
                DEFAULT_MAX_WORK_PER_EVENT, KeySlice.ALL, null, KeyBounds.forHeap(Runtime.getRuntime().maxMemory()),
                null, DEFAULT_CACHED_KEYS);
    }

    public EngineConfig withTimeMode(TimeMode mode) {
        return new EngineConfig(mode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, rocksDbState, keyBounds, keyStore, cachedKeys);
    }

    public EngineConfig withDefaultWatermarkDelayMs(long delayMs) {
        return new EngineConfig(timeMode, delayMs, watermarksFromInputOnly, maxPartialMatchesPerKey, maxWorkPerEvent,
                slice, rocksDbState, keyBounds, keyStore, cachedKeys);
    }

    public EngineConfig withWatermarksFromInputOnly(boolean inputOnly) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, inputOnly, maxPartialMatchesPerKey, maxWorkPerEvent,
                slice, rocksDbState, keyBounds, keyStore, cachedKeys);
    }

    public EngineConfig withSlice(KeySlice owned) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, owned, rocksDbState, keyBounds, keyStore, cachedKeys);
    }

    public EngineConfig withMaxPartialMatchesPerKey(int max) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, max, maxWorkPerEvent,
                slice, rocksDbState, keyBounds, keyStore, cachedKeys);
    }

    public EngineConfig withMaxWorkPerEvent(long max) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                max, slice, rocksDbState, keyBounds, keyStore, cachedKeys);
    }

    /** Key state in a RocksDB database in {@code folder} (emptied when the engine starts); see the class doc. */
    public EngineConfig withRocksDbState(Path folder) {
        if (folder == null) {
            throw new IllegalArgumentException("RocksDB state folder is null");
        }
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, folder, keyBounds, null, cachedKeys);
    }

    /**
     * Key state serialized into the {@link KeyStore} that {@code opener} gives each engine made with this config: a
     * host keeping key state in its own state backend.
     */
    public EngineConfig withKeyStore(Supplier<KeyStore> opener) {
        if (opener == null) {
            throw new IllegalArgumentException("key store opener is null");
        }
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, null, keyBounds, opener, cachedKeys);
    }

    /** Key state on the heap (the default). */
    public EngineConfig withHeapState() {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, null, keyBounds, null, cachedKeys);
    }

    /** Bounds on the keys holding partial matches; see {@link KeyBounds}. */
    public EngineConfig withKeyBounds(KeyBounds bounds) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, rocksDbState, bounds, keyStore, cachedKeys);
    }

    /** Keys whose states are cached in front of a key store; see {@code cachedKeys} in the class doc. */
    public EngineConfig withCachedKeys(int keys) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, rocksDbState, keyBounds, keyStore, keys);
    }
}

package dev.vigil.nfa;

import java.nio.file.Path;

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
 * @param rocksDbState null to keep key state on the heap (the default, fastest); else a folder, owned by the
 *     engine and emptied when it starts, where a RocksDB database holds the rules' per-key partial matches (for
 *     more state than fits in memory); waiting events, timers and clocks stay on the heap either way, and
 *     snapshots are the same for both
 */
public record EngineConfig(TimeMode timeMode, long defaultWatermarkDelayMs, boolean watermarksFromInputOnly,
        int maxPartialMatchesPerKey, long maxWorkPerEvent, KeySlice slice, Path rocksDbState) {

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
    }

    /**
     * Event time, no watermark delay, watermarks from event timestamps, 10,000 partial matches per key, 1,000,000
     * units of work per event and key, every key owned.
     */
    public static EngineConfig defaults() {
        return new EngineConfig(TimeMode.EVENT, 0, false, DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY,
                DEFAULT_MAX_WORK_PER_EVENT, KeySlice.ALL, null);
    }

    public EngineConfig withTimeMode(TimeMode mode) {
        return new EngineConfig(mode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, rocksDbState);
    }

    public EngineConfig withDefaultWatermarkDelayMs(long delayMs) {
        return new EngineConfig(timeMode, delayMs, watermarksFromInputOnly, maxPartialMatchesPerKey, maxWorkPerEvent,
                slice, rocksDbState);
    }

    public EngineConfig withWatermarksFromInputOnly(boolean inputOnly) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, inputOnly, maxPartialMatchesPerKey, maxWorkPerEvent,
                slice, rocksDbState);
    }

    public EngineConfig withSlice(KeySlice owned) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, owned, rocksDbState);
    }

    public EngineConfig withMaxPartialMatchesPerKey(int max) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, max, maxWorkPerEvent,
                slice, rocksDbState);
    }

    public EngineConfig withMaxWorkPerEvent(long max) {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                max, slice, rocksDbState);
    }

    /** Key state in a RocksDB database in {@code folder} (emptied when the engine starts); see the class doc. */
    public EngineConfig withRocksDbState(Path folder) {
        if (folder == null) {
            throw new IllegalArgumentException("RocksDB state folder is null");
        }
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, folder);
    }

    /** Key state on the heap (the default). */
    public EngineConfig withHeapState() {
        return new EngineConfig(timeMode, defaultWatermarkDelayMs, watermarksFromInputOnly, maxPartialMatchesPerKey,
                maxWorkPerEvent, slice, null);
    }
}

package dev.vigil.server;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pauses ingestion while the heap is nearly full, before it runs out. The bound on keys keeps per-key state within
 * half the heap by default, but partial matches per key, queued batches, alerts and waiting events can still fill
 * it; an {@link OutOfMemoryError} would end the process (see {@link FatalErrors}). So the guard reads, a few times
 * a second, how much of the heap was in use right after the latest garbage collection (what survived it, plus old
 * garbage no collection has reached yet); at {@code heapPausePercent} of the most the heap may grow to it pauses
 * ingestion, and once a later collection leaves less than {@code heapResumePercent} it resumes. The gap between the
 * two keeps it from flapping.
 *
 * <p>While paused, {@link Ingest#accept} refuses batches as busy: {@code POST /v1/events} gets 503 with
 * {@code Retry-After} and the reason, WebSocket sources stop being read until it resumes, {@code /ready} answers
 * 503 with the reason, and the metrics count pauses and refused batches. Rule changes, checkpoints and the shards
 * go on: the shards drain their queues, and windows that close free state. A paused server allocates little, so
 * collections become rare and the reading stale: after {@link #COLLECT_EVERY_NANOS} without one the guard asks for a
 * full collection (the caller runs {@link Heap#collect} off the event loop), which measures exactly what is live.
 * With {@code -XX:+DisableExplicitGC} that request does nothing, and a pause then ends only with a collection the
 * JVM runs by itself.
 *
 * <p><b>Threading:</b> {@link #check} on one thread (the server's event loop timer); {@link #pausedReason} and the
 * counters from any thread.
 */
final class MemoryGuard {
    /** While paused, a full collection is asked for when none ran for this long. */
    static final long COLLECT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How often the server checks. */
    static final long CHECK_EVERY_MS = 200;
    /** What a refused {@code POST /v1/events} tells its sender to wait. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** What the guard reads of the heap: the JVM's management beans in the server; a stepped reading in tests. */
    interface Heap {
        /** Bytes of the heap in use right after the latest garbage collection (0 before the first). */
        long usedAfterCollection();

        /** The most the heap may grow to, in bytes. */
        long max();

        /** Collections so far, of every collector: tells whether one ran since the last look. */
        long collections();

        /** Runs a full collection; blocks for its duration, so never on an event loop. */
        void collect();
    }

    private final int pausePercent;
    private final int resumePercent;
    private final Heap heap;
    private final PrintWriter err;
    private volatile String pausedReason;
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong refusedBatches = new AtomicLong();
    private long pausedAtNanos;
    private long refusedAtPause;
    private long collectionsSeen;
    private long collectionSeenAtNanos;

    /**
     * @param pausePercent heap in use after a collection at which ingestion pauses; 0 turns the guard off
     * @param resumePercent below it a paused ingestion resumes
     */
    MemoryGuard(int pausePercent, int resumePercent, Heap heap, PrintWriter err) {
        this.pausePercent = pausePercent;
        this.resumePercent = resumePercent;
        this.heap = heap;
        this.err = err;
    }

    /** Looks at the heap; true when the caller should run {@link Heap#collect} (off the event loop) now. */
    boolean check(long nowNanos) {
        if (pausePercent == 0) {
            return false;
        }
        long collections = heap.collections();
        if (collections != collectionsSeen) {
            collectionsSeen = collections;
            collectionSeenAtNanos = nowNanos;
        }
        long used = heap.usedAfterCollection();
        long max = heap.max();
        int percent = (int) Math.min(100, used * 100 / Math.max(1, max));
        if (pausedReason == null) {
            if (percent >= pausePercent) {
                pause(percent, used, max, nowNanos);
            }
            return false;
        }
        if (percent < resumePercent) {
            resume(percent, nowNanos);
            return false;
        }
        if (nowNanos - collectionSeenAtNanos >= COLLECT_EVERY_NANOS) {
            collectionSeenAtNanos = nowNanos;   // one request per interval, whether or not it runs
            return true;
        }
        return false;
    }

    private void pause(int percent, long used, long max, long nowNanos) {
        pausedReason = "memory: the heap is " + percent + "% full after garbage collection (" + mib(used) + " of "
                + mib(max) + "; heapPausePercent " + pausePercent + "): ingestion is paused until it is below "
                + resumePercent + "%";
        pauses.incrementAndGet();
        pausedAtNanos = nowNanos;
        refusedAtPause = refusedBatches.get();
        collectionSeenAtNanos = nowNanos;
        err.println("vigil serve: " + pausedReason + " (batches get 503 with Retry-After, WebSocket sources are not "
                + "read, /ready is not ready)");
        err.flush();
    }

    private void resume(int percent, long nowNanos) {
        pausedReason = null;
        err.println("vigil serve: memory: the heap is " + percent + "% full after garbage collection, below "
                + "heapResumePercent " + resumePercent + "%: ingestion resumes after "
                + TimeUnit.NANOSECONDS.toSeconds(nowNanos - pausedAtNanos) + " s paused, "
                + (refusedBatches.get() - refusedAtPause) + " batch(es) refused");
        err.flush();
    }

    /** Why ingestion is paused, for the sender and {@code /ready}; null while it is not. */
    String pausedReason() {
        return pausedReason;
    }

    /** Counts a batch refused because of the pause. */
    void refused() {
        refusedBatches.incrementAndGet();
    }

    long pauses() {
        return pauses.get();
    }

    long refusedBatches() {
        return refusedBatches.get();
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    /**
     * This JVM's heap: the heap pools' use after the latest collection of any collector
     * ({@code com.sun.management.GcInfo}; the pools' own "collection usage" is only updated by old-generation
     * collections, so it would miss an old generation filled by promotions), the heap's maximum, and
     * {@link System#gc} for a full collection.
     */
    static Heap jvm() {
        List<com.sun.management.GarbageCollectorMXBean> collectors =
                ManagementFactory.getPlatformMXBeans(com.sun.management.GarbageCollectorMXBean.class);
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        return new Heap() {
            @Override
            public long usedAfterCollection() {
                com.sun.management.GcInfo latest = null;
                for (com.sun.management.GarbageCollectorMXBean collector : collectors) {
                    com.sun.management.GcInfo info = collector.getLastGcInfo();
                    if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                        latest = info;
                    }
                }
                if (latest == null) {
                    return 0;
                }
                long used = 0;
                for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(pool.getKey())) {
                        used += pool.getValue().getUsed();
                    }
                }
                return used;
            }

            @Override
            public long max() {
                return Runtime.getRuntime().maxMemory();
            }

            @Override
            public long collections() {
                long count = 0;
                for (com.sun.management.GarbageCollectorMXBean collector : collectors) {
                    count += Math.max(0, collector.getCollectionCount());
                }
                return count;
            }

            @Override
            public void collect() {
                System.gc();
            }
        };
    }
}

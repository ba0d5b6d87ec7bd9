package dev.vigil.server.sequencer;

import dev.vigil.server.config.FatalErrors;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses ingestion while the heap is nearly full, before it runs out. The bound on keys keeps per-key state within
 * half the heap by default, but partial matches per key, queued batches, alerts and waiting events can still fill
 * it; an {@link OutOfMemoryError} would end the process (see {@link FatalErrors}). So the guard reads, a few times
 * a second, how much of the heap was in use right after the latest garbage collection. That includes garbage in the
 * old generation no collection has reached yet (a flood of evicted keys makes plenty), so a reading at
 * {@code heapPausePercent} of the most the heap may grow to is first checked: the guard asks for a full collection
 * ({@link Heap#collect}, run by the caller off the event loop), and pauses ingestion only if the heap is still that
 * full after it. Once a later collection leaves less than {@code heapResumePercent} it resumes; the gap between the
 * two keeps it from flapping.
 *
 * <p>While paused, {@link Ingest#accept} refuses batches as busy: {@code POST /v1/events} gets 503 with
 * {@code Retry-After} and the reason, WebSocket sources stop being read until it resumes, {@code /ready} answers
 * 503 with the reason, and the metrics count pauses and refused batches. Rule changes, checkpoints and the shards
 * go on: the shards drain their queues, and windows that close free state. While paused the guard asks for a full
 * collection every {@link #COLLECT_EVERY_NANOS}, as the young collections a paused server still makes do not reach
 * the old generation, where freed state lies. With {@code -XX:+DisableExplicitGC} those requests do nothing: a
 * reading then pauses without the check, and a pause ends only with a collection the JVM runs by itself.
 *
 * <p><b>Threading:</b> {@link #check} on one thread (the server's event loop timer); {@link #pausedReason} and the
 * counters from any thread.
 */
public final class MemoryGuard {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryGuard.class);

    /** While paused, a full collection is asked for this often; at most as often to check a high reading. */
    static final long COLLECT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How often the server checks. */
    public static final long CHECK_EVERY_MS = 200;
    /** What a refused {@code POST /v1/events} tells its sender to wait. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** What the guard reads of the heap: the JVM's management beans in the server; a stepped reading in tests. */
    public interface Heap {
        /** Bytes of the heap in use right after the latest garbage collection (0 before the first). */
        long usedAfterCollection();

        /** The most the heap may grow to, in bytes. */
        long max();

        /** Runs a full collection; blocks for its duration, so never on an event loop. */
        void collect();
    }

    private final int pausePercent;
    private final int resumePercent;
    private final Heap heap;
    private volatile String pausedReason;
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong refusedBatches = new AtomicLong();
    private long pausedAtNanos;
    private long refusedAtPause;
    /** Where the check of a high reading stands: none, its full collection running, or returned. */
    private enum Check { NONE, COLLECTING, COLLECTED }

    private Check checking = Check.NONE;
    /** When a full collection was last asked for (checking a high reading, or during a pause), if ever. */
    private boolean collectionAsked;
    private long collectionAskedAtNanos;

    /**
     * @param pausePercent heap in use after a collection at which ingestion pauses; 0 turns the guard off
     * @param resumePercent below it a paused ingestion resumes
     */
    public MemoryGuard(int pausePercent, int resumePercent, Heap heap) {
        this.pausePercent = pausePercent;
        this.resumePercent = resumePercent;
        this.heap = heap;
    }

    /**
     * Looks at the heap; true when the caller should run {@link Heap#collect} off the event loop now, and call
     * {@link #collected} when it returns.
     */
    public boolean check(long nowNanos) {
        if (pausePercent == 0 || checking == Check.COLLECTING) {
            return false;   // off, or the asked-for collection is still running
        }
        long used = heap.usedAfterCollection();
        long max = heap.max();
        int percent = (int) Math.min(100, used * 100 / Math.max(1, max));
        if (pausedReason == null) {
            if (percent < pausePercent) {
                checking = Check.NONE;   // below, or a full collection showed the reading was mostly garbage
            } else if (checking == Check.COLLECTED) {
                pause(percent, used, max, nowNanos);   // still this full after a full collection
            } else if (!collectionAsked || nowNanos - collectionAskedAtNanos >= COLLECT_EVERY_NANOS) {
                return ask(nowNanos);
            }
            return false;
        }
        if (percent < resumePercent) {
            resume(percent, nowNanos);
            return false;
        }
        return nowNanos - collectionAskedAtNanos >= COLLECT_EVERY_NANOS && ask(nowNanos);
    }

    private boolean ask(long nowNanos) {
        collectionAsked = true;
        collectionAskedAtNanos = nowNanos;
        checking = Check.COLLECTING;
        return true;
    }

    /** The collection {@link #check} asked for has returned (or did nothing: explicit collections are off). */
    public void collected() {
        checking = Check.COLLECTED;   // the next reading is of that collection, or of a later one
    }

    private void pause(int percent, long used, long max, long nowNanos) {
        pausedReason = "memory: the heap is " + percent + "% full after garbage collection (" + mib(used) + " of "
                + mib(max) + "; heapPausePercent " + pausePercent + "): ingestion is paused until it is below "
                + resumePercent + "%";
        pauses.incrementAndGet();
        pausedAtNanos = nowNanos;
        refusedAtPause = refusedBatches.get();
        checking = Check.NONE;
        LOG.warn("{} (batches get 503 with Retry-After, WebSocket sources are not read, /ready is not ready)",
                pausedReason);
    }

    private void resume(int percent, long nowNanos) {
        pausedReason = null;
        checking = Check.NONE;
        LOG.info("memory: the heap is {}% full after garbage collection, below heapResumePercent {}%: ingestion "
                + "resumes after {} s paused, {} batch(es) refused", percent, resumePercent,
                TimeUnit.NANOSECONDS.toSeconds(nowNanos - pausedAtNanos), refusedBatches.get() - refusedAtPause);
    }

    /** Why ingestion is paused, for the sender and {@code /ready}; null while it is not. */
    public String pausedReason() {
        return pausedReason;
    }

    /** Counts a batch refused because of the pause. */
    void refused() {
        refusedBatches.incrementAndGet();
    }

    /** Shows the pause and counts pauses and the batches refused meanwhile, on {@code registry}. */
    public void registerMeters(MeterRegistry registry) {
        Gauge.builder("vigil.memory.paused", this, guard -> guard.pausedReason() == null ? 0 : 1)
                .description("1 while ingestion is paused because the heap is nearly full after garbage collection "
                        + "(heapPausePercent), else 0")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("vigil.memory.pauses", this, MemoryGuard::pauses)
                .description("Times ingestion paused because the heap was nearly full after garbage collection")
                .register(registry);
        FunctionCounter.builder("vigil.memory.refused.batches", this, MemoryGuard::refusedBatches)
                .description("Event batches refused (503, or a WebSocket message held back) while ingestion was "
                        + "paused for memory")
                .register(registry);
    }

    public long pauses() {
        return pauses.get();
    }

    public long refusedBatches() {
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
    public static Heap jvm() {
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
            public void collect() {
                System.gc();
            }
        };
    }
}

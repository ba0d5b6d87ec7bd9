package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The memory guard's decisions on a stepped heap reading and a stepped clock: when it pauses, why it says so, that
 * it does not flap between its two thresholds, that a pause without collections asks for one, and that it resumes.
 */
class MemoryGuardTest {
    /** A heap the test sets: bytes used after the latest collection, of 1,000 MiB; collections so far. */
    static final class SteppedHeap implements MemoryGuard.Heap {
        volatile long usedMib;
        volatile long collections;
        volatile int collectRequests;

        @Override
        public long usedAfterCollection() {
            return usedMib << 20;
        }

        @Override
        public long max() {
            return 1_000L << 20;
        }

        @Override
        public long collections() {
            return collections;
        }

        @Override
        public void collect() {
            collectRequests++;
            collections++;
        }
    }

    private final SteppedHeap heap = new SteppedHeap();
    private final StringWriter log = new StringWriter();
    private final MemoryGuard guard = new MemoryGuard(90, 80, heap, new PrintWriter(log, true));
    private long now;

    @Test
    void pausesAtThePauseThresholdAndSaysWhy() {
        heap.usedMib = 899;
        assertFalse(guard.check(now));
        assertNull(guard.pausedReason());
        heap.usedMib = 900;
        heap.collections = 1;
        guard.check(now);
        assertEquals("memory: the heap is 90% full after garbage collection (900 MiB of 1000 MiB; heapPausePercent 90):"
                + " ingestion is paused until it is below 80%", guard.pausedReason());
        assertEquals(1, guard.pauses());
        assertTrue(log.toString().startsWith("vigil serve: memory: the heap is 90% full"), log.toString());
    }

    @Test
    void staysPausedBetweenTheThresholdsAndResumesBelowTheLowerOne() {
        heap.usedMib = 950;
        guard.check(now);
        guard.refused();
        guard.refused();
        heap.usedMib = 850;
        heap.collections++;
        guard.check(now += TimeUnit.SECONDS.toNanos(1));
        assertTrue(guard.pausedReason() != null, "85% is between the thresholds: still paused");
        heap.usedMib = 799;
        heap.collections++;
        guard.check(now += TimeUnit.SECONDS.toNanos(2));
        assertNull(guard.pausedReason());
        assertTrue(log.toString().contains("vigil serve: memory: the heap is 79% full after garbage collection, below "
                + "heapResumePercent 80%: ingestion resumes after 3 s paused, 2 batch(es) refused"), log.toString());
        heap.usedMib = 850;
        heap.collections++;
        guard.check(now += 1);
        assertNull(guard.pausedReason(), "85% is between the thresholds: still running");
        assertEquals(1, guard.pauses());
        assertEquals(2, guard.refusedBatches());
    }

    @Test
    void aPauseWithoutCollectionsAsksForOneEveryFewSeconds() {
        heap.usedMib = 950;
        assertFalse(guard.check(now));
        assertFalse(guard.check(now += MemoryGuard.COLLECT_EVERY_NANOS - 1));
        assertTrue(guard.check(now += 1), "no collection for the interval: ask for one");
        assertFalse(guard.check(now += 1), "asked once per interval");
        heap.collect();   // what the server does when asked; the heap is still full
        assertFalse(guard.check(now += 1));
        assertFalse(guard.check(now += MemoryGuard.COLLECT_EVERY_NANOS - 1));
        assertTrue(guard.check(now += 1), "the interval runs from the last collection");
        heap.usedMib = 100;
        heap.collect();
        assertFalse(guard.check(now += 1));
        assertNull(guard.pausedReason());
    }

    @Test
    void zeroTurnsTheGuardOff() {
        MemoryGuard off = new MemoryGuard(0, 0, heap, new PrintWriter(log, true));
        heap.usedMib = 1_000;
        assertFalse(off.check(now));
        assertNull(off.pausedReason());
        assertEquals("", log.toString());
    }
}

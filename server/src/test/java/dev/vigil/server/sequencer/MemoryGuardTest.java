package dev.vigil.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.testing.LogCapture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory guard's decisions on a stepped heap reading and a stepped clock: a high reading is checked with a full
 * collection before it pauses, the guard says why it paused, does not flap between its two thresholds, asks for a
 * full collection every few seconds while paused, and resumes.
 */
public class MemoryGuardTest {
    /** A heap the test sets: MiB used after the latest collection, of 1,000 MiB; full collections asked for. */
    public static final class SteppedHeap implements MemoryGuard.Heap {
        public volatile long usedMib;
        public volatile int collections;

        @Override
        public long usedAfterCollection() {
            return usedMib << 20;
        }

        @Override
        public long max() {
            return 1_000L << 20;
        }

        @Override
        public void collect() {
            collections++;
        }
    }

    private final SteppedHeap heap = new SteppedHeap();
    private final LogCapture log = new LogCapture();
    private final MemoryGuard guard = new MemoryGuard(90, 80, heap);

    @AfterEach
    void detach() {
        log.close();
    }
    private long now;

    @Test
    void pausesWhenAFullCollectionLeavesTheHeapAsFullAndSaysWhy() {
        heap.usedMib = 899;
        assertFalse(guard.check(now));
        heap.usedMib = 900;
        assertTrue(guard.check(now += 1), "a reading at the threshold is checked with a full collection first");
        assertFalse(guard.check(now += 1), "nothing is decided while the collection runs");
        assertNull(guard.pausedReason());
        guard.collected();
        assertFalse(guard.check(now += 1));
        assertEquals("memory: the heap is 90% full after garbage collection (900 MiB of 1000 MiB; heapPausePercent 90):"
                + " ingestion is paused until it is below 80%", guard.pausedReason());
        assertEquals(1, guard.pauses());
        assertTrue(log.toString().startsWith("WARN memory: the heap is 90% full"), log.toString());
    }

    @Test
    void aHighReadingThatAFullCollectionClearsDoesNotPause() {
        heap.usedMib = 950;   // mostly garbage the young collections did not reach
        assertTrue(guard.check(now));
        heap.usedMib = 600;
        guard.collected();
        assertFalse(guard.check(now += 1));
        assertNull(guard.pausedReason());
        heap.usedMib = 950;
        assertFalse(guard.check(now += 1), "one full collection per interval at most");
        assertNull(guard.pausedReason());
        assertTrue(guard.check(now += MemoryGuard.COLLECT_EVERY_NANOS));
        assertEquals(0, guard.pauses());
    }

    @Test
    void staysPausedBetweenTheThresholdsAndResumesBelowTheLowerOne() {
        pause();
        guard.refused();
        guard.refused();
        heap.usedMib = 850;
        guard.check(now += TimeUnit.SECONDS.toNanos(1));
        assertNotNull(guard.pausedReason(), "85% is between the thresholds: still paused");
        heap.usedMib = 799;
        guard.check(now += TimeUnit.SECONDS.toNanos(2));
        assertNull(guard.pausedReason());
        assertTrue(log.toString().contains("INFO memory: the heap is 79% full after garbage collection, below "
                + "heapResumePercent 80%: ingestion resumes after 3 s paused, 2 batch(es) refused"), log.toString());
        heap.usedMib = 850;
        guard.check(now += 1);
        assertNull(guard.pausedReason(), "85% is between the thresholds: still running");
        assertEquals(1, guard.pauses());
        assertEquals(2, guard.refusedBatches());
    }

    @Test
    void whilePausedAFullCollectionIsAskedForEveryFewSeconds() {
        pause();
        long pausedAt = now;
        assertFalse(guard.check(now = pausedAt + MemoryGuard.COLLECT_EVERY_NANOS - 2));
        assertTrue(guard.check(now += 2), "the young collections of a paused server do not reach old state");
        assertFalse(guard.check(now += 1));
        heap.usedMib = 100;   // rules were deleted, windows closed
        guard.collected();
        assertFalse(guard.check(now += 1));
        assertNull(guard.pausedReason());
    }

    @Test
    void zeroTurnsTheGuardOff() {
        MemoryGuard off = new MemoryGuard(0, 0, heap);
        heap.usedMib = 1_000;
        assertFalse(off.check(now));
        assertNull(off.pausedReason());
        assertEquals("", log.toString());
    }

    /** 95% full after a full collection: paused at {@link #now}. */
    private void pause() {
        heap.usedMib = 950;
        assertTrue(guard.check(now));
        guard.collected();
        guard.check(now);
        assertNotNull(guard.pausedReason());
    }
}

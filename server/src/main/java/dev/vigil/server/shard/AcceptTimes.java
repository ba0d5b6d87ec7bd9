package dev.vigil.server.shard;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Event;
import dev.vigil.wire.InputLine;
import java.util.List;

/**
 * When the server accepted each recent event batch, so the event-to-alert latency of an alert can be measured
 * from its last event. One entry per batch (its sequence range and accept time), not per event: recording costs
 * two array writes per batch, and a lookup is a binary search, since event sequences increase from batch to
 * batch. The ring remembers the last {@link #CAPACITY} batches; an alert whose last event is older has no
 * accept time and is not measured.
 *
 * <p><b>Not thread-safe:</b> owned by one shard thread.
 */
public final class AcceptTimes {
    public static final int CAPACITY = 4_096;
    public static final long UNKNOWN = Long.MIN_VALUE;

    private final long[] firstSequence = new long[CAPACITY];
    private final long[] lastSequence = new long[CAPACITY];
    private final long[] acceptedAtNanos = new long[CAPACITY];
    private long recorded;   // batches recorded so far; batch b lives at b % CAPACITY

    /** Records a batch's sequence range; batches without events are skipped. */
    public void record(List<InputLine> lines, long acceptedNanos) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i) instanceof InputLine.EventLine event) {
                long sequence = event.event().sequence();
                first = Math.min(first, sequence);
                last = Math.max(last, sequence);
            }
        }
        if (last == Long.MIN_VALUE || (recorded > 0 && first <= lastSequence[slot(recorded - 1)])) {
            return;   // no events, or out of order (not from the server's sequence): unmeasurable, keep the ring sorted
        }
        int slot = slot(recorded++);
        firstSequence[slot] = first;
        lastSequence[slot] = last;
        acceptedAtNanos[slot] = acceptedNanos;
    }

    /** The {@code System.nanoTime()} at which the alert's last event was accepted, or {@link #UNKNOWN}. */
    long acceptedAt(Alert alert) {
        long last = Long.MIN_VALUE;
        for (List<Event> bound : alert.events().values()) {
            for (int i = 0; i < bound.size(); i++) {
                last = Math.max(last, bound.get(i).sequence());
            }
        }
        return last == Long.MIN_VALUE ? UNKNOWN : acceptedAt(last);
    }

    public long acceptedAt(long sequence) {
        long low = Math.max(0, recorded - CAPACITY);
        long high = recorded;   // the first batch whose last sequence is >= sequence lies in [low, high]
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (lastSequence[slot(middle)] < sequence) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        if (low == recorded || firstSequence[slot(low)] > sequence) {
            return UNKNOWN;
        }
        return acceptedAtNanos[slot(low)];
    }

    private static int slot(long batch) {
        return (int) (batch % CAPACITY);
    }
}

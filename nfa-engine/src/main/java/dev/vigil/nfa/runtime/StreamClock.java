package dev.vigil.nfa.runtime;

import dev.vigil.nfa.EventTime;

/**
 * The event-time clock of one stream: the largest timestamp seen and the watermark derived from it, and the
 * stream's event and late-event counts.
 *
 * <p>The watermark follows Flink's bounded-out-of-orderness generator: {@code max seen − delay − 1}, so with no
 * delay two events with the same timestamp are both on time, and an event is late when its timestamp is at or
 * below the watermark. An explicit watermark only ever moves the clock forward. The subtraction saturates
 * ({@link EventTime#watermarkAfter}): a delay reaching below the range of {@code long} leaves no watermark, as the
 * server's sources compute it.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
public final class StreamClock {
    private final String stream;
    private final long delayMs;
    private long maxSeen = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long events;
    private long late;

    public StreamClock(String stream, long delayMs) {
        this.stream = stream;
        this.delayMs = delayMs;
    }

    /** A clock as a snapshot recorded it (for restoring an engine). */
    public static StreamClock restored(String stream, long delayMs, long maxSeen, long watermark, long events,
            long late) {
        StreamClock clock = new StreamClock(stream, delayMs);
        clock.maxSeen = maxSeen;
        clock.watermark = watermark;
        clock.events = events;
        clock.late = late;
        return clock;
    }

    public String stream() {
        return stream;
    }

    public long delayMs() {
        return delayMs;
    }

    public long maxSeen() {
        return maxSeen;
    }

    public long watermark() {
        return watermark;
    }

    public void countEvent() {
        events++;
    }

    public void countLate() {
        late++;
    }

    /** Events of this stream offered so far, late ones included. */
    public long events() {
        return events;
    }

    public long late() {
        return late;
    }

    /** Records an on-time event's timestamp; returns true when the watermark moved. */
    public boolean observe(long timestamp) {
        if (timestamp <= maxSeen) {
            return false;
        }
        maxSeen = timestamp;
        return advanceTo(EventTime.watermarkAfter(timestamp, delayMs));
    }

    /** Moves the watermark to {@code timestamp} if that is later; returns true when it moved. */
    public boolean advanceTo(long timestamp) {
        if (timestamp <= watermark) {
            return false;
        }
        watermark = timestamp;
        return true;
    }
}

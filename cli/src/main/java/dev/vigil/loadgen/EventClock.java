package dev.vigil.loadgen;

/**
 * The wall clock in milliseconds, read through {@link System#nanoTime()} so that it never goes back; the bench's
 * event time. Connections share one, so their streams agree on the time. (Milliseconds, as every event time is:
 * the server refuses times beyond the year 9999, which the wall clock in microseconds is.)
 *
 * <p><b>Thread-safe</b> (immutable).
 */
record EventClock(long wallMillisAtZero, long zeroNanos) {
    static EventClock startingNow() {
        long nanos = System.nanoTime();
        return new EventClock(System.currentTimeMillis(), nanos);
    }

    long millis() {
        return wallMillisAtZero + (System.nanoTime() - zeroNanos) / 1_000_000;
    }
}

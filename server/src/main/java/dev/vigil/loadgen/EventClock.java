package dev.vigil.loadgen;

/**
 * The wall clock in microseconds, read through {@link System#nanoTime()} so that it has microsecond resolution
 * and never goes back; the bench's event time. Connections share one, so their streams agree on the time.
 *
 * <p><b>Thread-safe</b> (immutable).
 */
record EventClock(long wallMicrosAtZero, long zeroNanos) {
    static EventClock startingNow() {
        long nanos = System.nanoTime();
        return new EventClock(System.currentTimeMillis() * 1_000, nanos);
    }

    long micros() {
        return wallMicrosAtZero + (System.nanoTime() - zeroNanos) / 1_000;
    }
}

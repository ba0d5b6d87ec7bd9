package dev.vigil.bench.compare;

/**
 * One timed pass of a whole stream through a fresh engine: {@link System#nanoTime()} at the first event, when the
 * event at 10% and at 90% of the stream was reached, and when the last match was out; and what was found.
 */
public record Run(long startNanos, long tenthNanos, long ninetiethNanos, long endNanos, long matches,
        long fingerprint) {

    public double eventsPerSecond(int events) {
        return events * 1e9 / (endNanos - startNanos);
    }

    /** Throughput over the first 10% of the stream. */
    public double firstTenthPerSecond(int events) {
        return (events / 10) * 1e9 / (tenthNanos - startNanos);
    }

    /** Throughput over the last 10% of the stream, including the flush at its end. */
    public double lastTenthPerSecond(int events) {
        return (events - ninetiethIndex(events)) * 1e9 / (endNanos - ninetiethNanos);
    }

    /** The index of the first event of the last tenth. */
    public static int ninetiethIndex(int events) {
        return events - events / 10;
    }

    public static int tenthIndex(int events) {
        return events / 10;
    }
}

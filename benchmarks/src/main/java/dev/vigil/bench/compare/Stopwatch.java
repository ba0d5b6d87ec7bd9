package dev.vigil.bench.compare;

/**
 * The times of one {@link Run} for an engine fed on the calling thread: {@link #start}, {@link #before} each event
 * (it notes the time when the event at 10% and at 90% of the stream is reached), {@link #stop} once every match is
 * out.
 */
final class Stopwatch {
    private final int tenth;
    private final int ninetieth;
    private long start;
    private long tenthAt;
    private long ninetiethAt;

    Stopwatch(int events) {
        tenth = Run.tenthIndex(events);
        ninetieth = Run.ninetiethIndex(events);
    }

    void start() {
        start = System.nanoTime();
    }

    void before(int event) {
        if (event == tenth) {
            tenthAt = System.nanoTime();
        } else if (event == ninetieth) {
            ninetiethAt = System.nanoTime();
        }
    }

    Run stop(MatchTally tally) {
        return new Run(start, tenthAt, ninetiethAt, System.nanoTime(), tally.count(), tally.fingerprint());
    }
}

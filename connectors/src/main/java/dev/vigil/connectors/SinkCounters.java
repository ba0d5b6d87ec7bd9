package dev.vigil.connectors;

import java.util.concurrent.atomic.AtomicLong;

/** The counters behind {@link SinkStats}, written by a sink's own thread and read by anyone. */
final class SinkCounters {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    /** Alerts not sent because the target is outside what the sink may reach (also counted as dropped). */
    final AtomicLong refused = new AtomicLong();
    private volatile String lastError;

    /** Counts a failed attempt and remembers why. */
    void failed(String why) {
        failed.incrementAndGet();
        lastError = why;
    }

    SinkStats snapshot(int queued) {
        return new SinkStats(delivered.get(), failed.get(), retries.get(), dropped.get(), queued, lastError,
                refused.get());
    }
}

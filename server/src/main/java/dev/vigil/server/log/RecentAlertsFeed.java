package dev.vigil.server.log;

import dev.vigil.connectors.AlertFeed;
import java.util.List;

/**
 * An {@link AlertFeed} over the alerts an {@link AlertLog} keeps in memory ({@link AlertLog#afterId}): the feed of a
 * {@link MemoryAlertLog}, the log of a server without a data folder. Its ring forgets the oldest alerts, so a sink that
 * falls further behind than the ring holds sees a jump in numbers (and counts the alerts it lost); across a restart
 * the log starts empty.
 *
 * <p><b>Thread-safe</b>; each cursor belongs to one thread.
 */
final class RecentAlertsFeed implements AlertFeed {
    /** Alerts fetched from the log per read. */
    private static final int CHUNK = 256;

    private final AlertLog log;

    RecentAlertsFeed(AlertLog log) {
        this.log = log;
    }

    @Override
    public Cursor follow(long afterNumber) {
        return new Cursor() {
            private long after = afterNumber;
            private List<AlertLog.LoggedAlert> chunk = List.of();
            private int next;

            @Override
            public Entry next() {
                if (next == chunk.size()) {
                    chunk = log.afterId(after, CHUNK, AlertFilter.ALL);
                    next = 0;
                    if (chunk.isEmpty()) {
                        return null;
                    }
                }
                AlertLog.LoggedAlert alert = chunk.get(next++);
                after = alert.id();
                return new Entry(alert.id(), alert.alertId(), alert.rule(), alert.json());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public long lastNumber() {
        List<AlertLog.LoggedAlert> newest = log.newest(1, AlertFilter.ALL);
        return newest.isEmpty() ? 0 : newest.get(0).id();
    }
}

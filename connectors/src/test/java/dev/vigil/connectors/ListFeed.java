package dev.vigil.connectors;

import java.util.ArrayList;
import java.util.List;

/**
 * An alert log in memory for sink tests: alerts appended under increasing numbers (a test may skip numbers, as a
 * log trimmed by retention does), read by cursors on other threads.
 *
 * <p><b>Thread-safe.</b>
 */
final class ListFeed implements AlertFeed {
    private final List<Entry> entries = new ArrayList<>();
    private long nextNumber = 1;

    /** Logs an alert of {@code rule} with a JSON that carries its id, rule, version 1 and kind match. */
    synchronized Entry append(String alertId, String rule) {
        Entry entry = new Entry(nextNumber++, alertId, rule, "{\"id\":\"" + alertId + "\",\"rule\":\"" + rule
                + "\",\"version\":1,\"kind\":\"match\",\"fields\":{}}");
        entries.add(entry);
        return entry;
    }

    /** The next alert will have number {@code number}: those in between are gone, as if trimmed. */
    synchronized void skipTo(long number) {
        nextNumber = number;
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    @Override
    public synchronized long lastNumber() {
        return nextNumber - 1;
    }

    @Override
    public Cursor follow(long afterNumber) {
        return new Cursor() {
            private int index = -1;

            @Override
            public Entry next() {
                synchronized (ListFeed.this) {
                    if (index < 0) {
                        index = 0;
                        while (index < entries.size() && entries.get(index).number() <= afterNumber) {
                            index++;
                        }
                    }
                    return index < entries.size() ? entries.get(index++) : null;
                }
            }

            @Override
            public void close() {}
        };
    }
}

package dev.vigil.server.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AlertLog} in a ring of fixed capacity: appending to a full log forgets its oldest alert, so memory
 * stays bounded however many alerts the rules produce.
 *
 * <p>Ids and emission times both increase along the ring (times never go back, even if the wall clock does), so both reads start with a binary search. One lock
 * guards the ring: appends come from the event loop, reads from HTTP handlers, neither holds it for long.
 *
 * <p><b>Thread-safe.</b>
 */
public final class MemoryAlertLog implements AlertLog {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final LoggedAlert[] ring;
    private long nextId = 1;
    private long oldestId = 1;   // the id at ring[index(oldestId)] while the log is not empty
    private long lastLoggedAtMs = Long.MIN_VALUE;
    private final Map<String, Long> numbers = new HashMap<>();   // alert id -> number, for the alerts kept

    public MemoryAlertLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("alert log capacity " + capacity + " < 1");
        }
        this.ring = new LoggedAlert[capacity];
    }

    @Override
    public synchronized LoggedAlert append(String alertId, String rule, String severity, String key,
            long loggedAtMs, String json) {
        lastLoggedAtMs = Math.max(lastLoggedAtMs, loggedAtMs);   // a wall clock set back must not unsort the ring
        LoggedAlert entry = new LoggedAlert(nextId, alertId, rule, lastLoggedAtMs, json, severity, key);
        if (nextId - oldestId == ring.length) {
            numbers.remove(ring[index(oldestId)].alertId(), oldestId);
            oldestId++;
        }
        ring[index(nextId)] = entry;
        numbers.put(alertId, nextId);
        nextId++;
        return entry;
    }

    @Override
    public synchronized boolean contains(String alertId) {
        return numbers.containsKey(alertId);
    }

    @Override
    public synchronized long numberOf(String alertId) {
        Long number = numbers.get(alertId);
        return number == null ? -1 : number;
    }

    @Override
    public synchronized List<LoggedAlert> afterId(long afterId, int limit, AlertFilter filter) {
        return collect(Math.max(oldestId, afterId + 1), limit, filter);
    }

    @Override
    public synchronized List<LoggedAlert> since(long sinceMs, int limit, AlertFilter filter) {
        long low = oldestId;
        long high = nextId;   // first id logged at or after sinceMs lies in [low, high]
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (ring[index(middle)].loggedAtMs() < sinceMs) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return collect(low, limit, filter);
    }

    @Override
    public synchronized List<LoggedAlert> newest(int limit, AlertFilter filter) {
        List<LoggedAlert> found = new ArrayList<>(Math.min(limit, ring.length));
        for (long id = nextId - 1; id >= oldestId && found.size() < limit; id--) {
            LoggedAlert entry = ring[index(id)];
            if (entry.passes(filter)) {
                found.add(entry);
            }
        }
        Collections.reverse(found);
        return found;
    }

    public synchronized int size() {
        return (int) (nextId - oldestId);
    }

    private List<LoggedAlert> collect(long fromId, int limit, AlertFilter filter) {
        List<LoggedAlert> found = new ArrayList<>(Math.min(limit, ring.length));
        for (long id = fromId; id < nextId && found.size() < limit; id++) {
            LoggedAlert entry = ring[index(id)];
            if (entry.passes(filter)) {
                found.add(entry);
            }
        }
        return found;
    }

    private int index(long id) {
        return (int) ((id - 1) % ring.length);
    }
}

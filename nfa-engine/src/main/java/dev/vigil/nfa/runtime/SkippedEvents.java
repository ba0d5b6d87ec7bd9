package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import java.util.Arrays;

/**
 * The events a rule skipped on arrival ({@link RuleRuntime#buffer(Event, long)}) that its watermark has not passed
 * yet, in arrival order, with their keys and arrival numbers. Most events of most rules pass through here, so they
 * are held in reused parallel arrays rather than one object each: skipping an event allocates nothing.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class SkippedEvents {
    private Event[] events = new Event[64];
    private Object[] keys = new Object[64];
    private long[] arrivals = new long[64];
    /** The oldest held event's slot, and the slot after the newest. */
    private int head;
    private int tail;

    void add(Event event, Object key, long arrival) {
        if (tail == events.length) {
            makeRoom();
        }
        events[tail] = event;
        keys[tail] = key;
        arrivals[tail] = arrival;
        tail++;
    }

    /** Forgets the events at or below {@code watermark}, oldest first, up to the first later one. */
    void releaseUpTo(long watermark) {
        if (head == tail) {
            return;
        }
        while (head < tail && events[head].timestamp() <= watermark) {
            events[head] = null;
            keys[head] = null;
            head++;
        }
        if (head == tail) {
            head = 0;
            tail = 0;
        }
    }

    int size() {
        return tail - head;
    }

    /** The {@code i}-th held event, oldest first. */
    Event event(int i) {
        return events[head + i];
    }

    Object key(int i) {
        return keys[head + i];
    }

    long arrival(int i) {
        return arrivals[head + i];
    }

    void clear() {
        Arrays.fill(events, head, tail, null);
        Arrays.fill(keys, head, tail, null);
        head = 0;
        tail = 0;
    }

    /** Moves the held events to the front, into larger arrays when more than half full. */
    private void makeRoom() {
        int count = tail - head;
        int capacity = count > events.length / 2 ? events.length * 2 : events.length;
        Event[] movedEvents = capacity == events.length ? events : new Event[capacity];
        Object[] movedKeys = capacity == keys.length ? keys : new Object[capacity];
        long[] movedArrivals = capacity == arrivals.length ? arrivals : new long[capacity];
        System.arraycopy(events, head, movedEvents, 0, count);
        System.arraycopy(keys, head, movedKeys, 0, count);
        System.arraycopy(arrivals, head, movedArrivals, 0, count);
        if (movedEvents == events) {
            Arrays.fill(events, count, tail, null);
            Arrays.fill(keys, count, tail, null);
        }
        events = movedEvents;
        keys = movedKeys;
        arrivals = movedArrivals;
        head = 0;
        tail = count;
    }
}

package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventTime;
import dev.vigil.nfa.expr.MatchView;
import dev.vigil.nfa.expr.WindowFrame;
import dev.vigil.nfa.expr.WindowSpec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent events of each key for a rule's windowed aggregates ({@code AVG(amount) OVER (LAST 1 HOUR)}), and the
 * aggregates' values for the event being processed.
 *
 * <p><b>Meaning.</b> Before the rule's matcher takes an event of key {@code k} at time {@code t}, the event joins
 * {@code k}'s window events, and each aggregate {@code f(x) OVER (LAST d)} is computed over the key's events with a
 * time in {@code [t - d, t]} that came up to this one, in the order the rule processes them (event time, ties in
 * arrival order): the current event is included (as SQL's {@code RANGE BETWEEN d PRECEDING AND CURRENT ROW}), an
 * event of the same time that comes later is not. The events are every event of the rule's streams routed to the
 * key (on time: late events are never matched), not only those a match binds; so a rule with windowed aggregates
 * is never spared an event ({@link RuleRuntime} gives it every one, held for the watermark, and the engine indexes
 * no start test for it). In processing time, the time is the arrival time.
 *
 * <p><b>State.</b> Per key, the events of the last {@code D} (the rule's longest window) as a ring, oldest first;
 * older ones leave as each event comes. At most {@link #MAX_EVENTS_PER_KEY} are kept per key: beyond that the oldest
 * leave early, and are counted ({@link #evicted}; the key's aggregates then see fewer events than the window
 * holds). A key whose newest event is older than {@code D} at the rule's watermark needs nothing any more (every later
 * event's windows start after it) and is forgotten in a pass once the keys have doubled since the last (amortized
 * constant time per event). The state lives beside the key states, not in them, so it keeps no partial match alive;
 * it is part of snapshots. Keys are kept in first-event order, which a snapshot writes and a restore keeps.
 *
 * <p><b>Cost.</b> Each aggregate walks its window's events: O(events in the window) per event and aggregate,
 * bounded by the cap.
 *
 * <p><b>Not thread-safe:</b> one per rule runtime.
 */
final class KeyWindows {
    /** The most events kept per key and rule. */
    static final int MAX_EVENTS_PER_KEY = 10_000;
    private static final int MIN_PASS = 64;

    private final WindowSpec[] specs;
    /** The longest window. */
    private final long longest;
    private final LinkedHashMap<Object, Ring> rings = new LinkedHashMap<>();
    /** The values for the event being processed, one per spec; {@link WindowFrame} reads them. */
    private final Object[] values;
    private final View view = new View();
    private int nextPass = MIN_PASS;
    /** Events that left a key's window early because the key held {@link #MAX_EVENTS_PER_KEY}. */
    long evicted;

    /** The windows of a rule with these aggregates, or null when it has none. */
    static KeyWindows of(List<WindowSpec> specs) {
        return specs.isEmpty() ? null : new KeyWindows(specs);
    }

    private KeyWindows(List<WindowSpec> specs) {
        this.specs = specs.toArray(new WindowSpec[0]);
        long max = 0;
        for (WindowSpec spec : this.specs) {
            max = Math.max(max, spec.millis());
        }
        this.longest = max;
        this.values = new Object[this.specs.length];
    }

    /**
     * {@code event} of {@code key} at {@code time} joins the key's window events, and the aggregates' values for it
     * are computed and handed to {@link WindowFrame}, for the conditions the matcher evaluates next.
     */
    void enter(Object key, Event event, long time) {
        Ring ring = rings.get(key);
        if (ring == null) {
            ring = new Ring();
            rings.put(key, ring);
        }
        ring.dropBefore(EventTime.minus(time, longest));
        if (ring.size == MAX_EVENTS_PER_KEY) {
            ring.dropOldest();
            evicted++;
        }
        ring.add(event, time);
        view.ring = ring;
        for (int i = 0; i < specs.length; i++) {
            view.from = ring.firstAtOrAfter(EventTime.minus(time, specs[i].millis()));
            values[i] = specs[i].compute(view);
        }
        view.ring = null;
        WindowFrame.set(values);
    }

    /** After the event: no condition evaluated out of it (an explanation) reads its values. */
    void leave() {
        WindowFrame.set(null);
    }

    /** Forgets the keys whose every event is older than the longest window at {@code time}, in amortized passes. */
    void forgetExpired(long time) {
        if (rings.size() < nextPass) {
            return;
        }
        long horizon = EventTime.minus(time, longest);
        for (Iterator<Ring> it = rings.values().iterator(); it.hasNext(); ) {
            Ring ring = it.next();
            if (ring.size == 0 || ring.time(ring.size - 1) < horizon) {
                it.remove();
            }
        }
        nextPass = Math.max(MIN_PASS, 2 * rings.size());
    }

    /** Keys with events, in first-event order. */
    int keys() {
        return rings.size();
    }

    /** Hands each key's events (oldest first) to {@code visitor}, in first-event order. */
    void visit(Visitor visitor) {
        for (Map.Entry<Object, Ring> entry : rings.entrySet()) {
            Ring ring = entry.getValue();
            Event[] events = new Event[ring.size];
            long[] times = new long[ring.size];
            for (int i = 0; i < ring.size; i++) {
                events[i] = ring.event(i);
                times[i] = ring.time(i);
            }
            visitor.key(entry.getKey(), events, times);
        }
    }

    /** Receives one key's window events. */
    interface Visitor {
        void key(Object key, Event[] events, long[] times);
    }

    /** Restores one key's events (oldest first, times not decreasing), as {@link #visit} gave them. */
    void restore(Object key, Event[] events, long[] times) {
        Ring ring = new Ring();
        for (int i = 0; i < events.length; i++) {
            if (i > 0 && times[i] < times[i - 1]) {
                throw new IllegalArgumentException("window events of key " + key + " out of time order");
            }
            ring.add(events[i], times[i]);
        }
        rings.put(key, ring);
    }

    /** Takes over the events {@code predecessor} (a replaced version of the rule) holds; they are the same events. */
    void takeOver(KeyWindows predecessor) {
        rings.putAll(predecessor.rings);
        evicted = predecessor.evicted;
    }

    void clear() {
        rings.clear();
    }

    /** One key's events, oldest first, in a growing circular array. */
    private static final class Ring {
        private Event[] events = new Event[4];
        private long[] times = new long[4];
        private int head;
        int size;

        void add(Event event, long time) {
            if (size == events.length) {
                Event[] grownEvents = new Event[events.length * 2];
                long[] grownTimes = new long[grownEvents.length];
                for (int i = 0; i < size; i++) {
                    grownEvents[i] = event(i);
                    grownTimes[i] = time(i);
                }
                events = grownEvents;
                times = grownTimes;
                head = 0;
            }
            int at = (head + size) & (events.length - 1);
            events[at] = event;
            times[at] = time;
            size++;
        }

        Event event(int index) {
            return events[(head + index) & (events.length - 1)];
        }

        long time(int index) {
            return times[(head + index) & (events.length - 1)];
        }

        void dropOldest() {
            events[head] = null;
            head = (head + 1) & (events.length - 1);
            size--;
        }

        void dropBefore(long time) {
            while (size > 0 && time(0) < time) {
                dropOldest();
            }
        }

        /** The index of the first event at or after {@code time} ({@code size} when none): a binary search. */
        int firstAtOrAfter(long time) {
            int low = 0;
            int high = size;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (time(mid) < time) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    /** A key's events from {@code from} on, as pattern variable 0 of a match, for the aggregates. */
    private static final class View implements MatchView {
        Ring ring;
        int from;

        @Override
        public int count(int variable) {
            return ring.size - from;
        }

        @Override
        public Event event(int variable, int index) {
            return ring.event(from + index);
        }
    }
}

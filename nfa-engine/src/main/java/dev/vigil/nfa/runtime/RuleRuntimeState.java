package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.match.PartialMatches;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;

/**
 * The state of one {@link RuleRuntime} as plain values, for state snapshots: {@link #visit} hands it to a
 * {@link Visitor} (the codec in {@code dev.vigil.nfa.state} writes bytes), a {@link Restorer} puts the same
 * values back into a fresh runtime of the same rule. The byte format is not this class's business.
 *
 * <p><b>What is state.</b> The counters, the release round and arrival counter, the rule's watermark, every key
 * with its {@link PartialMatches}, the events waiting for the watermark and the timers. Scratch ({@code touched},
 * {@code current}) is empty between two engine calls, which is when snapshots are taken. Waiting events and
 * timers name a key's state by identity: the visitor gets the state as an opaque handle, the restorer the
 * key's number in visiting order.
 *
 * <p><b>Orders kept.</b> Both queues are visited in array order; re-adding a valid heap's array in order to an
 * empty {@code PriorityQueue} moves nothing, so the restored heaps have the same layout (their poll order is
 * total anyway: arrival and timer order numbers are unique). The keys table is visited in iteration order and
 * refilled in that order into a table of the capacity the original has ({@code HashMap} doubles past three
 * quarters full and never shrinks, so its capacity follows from the most keys it ever held); so a restored
 * runtime iterates its keys in the same order and a second snapshot has the same bytes. Key order has no
 * effect on output.
 *
 * <p><b>Stale timers.</b> A timer whose key state has left the table (the key went idle, and may since have come
 * back with a new state) is skipped when it fires ({@link RuleRuntime#fireTimers}: {@code keys.get(key) !=
 * state}); its only effect is on the dropped state itself. It is restored as a timer of a placeholder state
 * that is never in the table, so the timer heap, and what a later snapshot writes, stay as they were.
 *
 * <p><b>Not thread-safe:</b> used by the thread that owns the runtime, between two engine calls.
 */
public final class RuleRuntimeState {
    /** The key of placeholder states; never a key of the table. */
    private static final Object STALE = new Object();

    private RuleRuntimeState() {}

    /** Receives one runtime's state: begin, keys, waiting events (in heap array order), timers (same). */
    public interface Visitor {
        void begin(long round, long arrivals, long watermark, long eventsIn, long matches, long timeouts,
                long dropped, long evaluationErrors, int maxKeys, int keys, int waiting, int timers)
                throws IOException;

        /**
         * @param handle the key state's identity, by which waiting events and timers name it
         * @param key the key as the engine holds it ({@link PartitionKey#GLOBAL} and {@link PartitionKey#NULL}
         *     for the global and the null key)
         */
        void key(Object handle, Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
                PartialMatches partialMatches) throws IOException;

        void waiting(Event event, Object handle, long arrival) throws IOException;

        /** @param handle may name a state no longer in the table (a stale timer) */
        void timer(long deadline, Object handle, long order) throws IOException;
    }

    public static void visit(RuleRuntime runtime, Visitor visitor) throws IOException {
        visitor.begin(runtime.round, runtime.arrivals, runtime.watermark, runtime.eventsIn, runtime.matches,
                runtime.timeouts, runtime.dropped, runtime.evaluationErrors, runtime.maxKeys, runtime.keys.size(),
                runtime.waiting.size(), runtime.timers.size());
        for (KeyState state : runtime.keys.values()) {
            visitor.key(state, state.key, state.waitingEvents, state.scheduledDeadline, state.advancedTo,
                    state.round, state.partialMatches);
        }
        // PriorityQueue's iterator walks its array in order.
        for (Iterator<RuleRuntime.Waiting> it = runtime.waiting.iterator(); it.hasNext();) {
            RuleRuntime.Waiting next = it.next();
            visitor.waiting(next.event(), next.state(), next.arrival());
        }
        for (Iterator<RuleRuntime.Timer> it = runtime.timers.iterator(); it.hasNext();) {
            RuleRuntime.Timer next = it.next();
            visitor.timer(next.deadline(), next.state(), next.order());
        }
    }

    /**
     * Puts visited values back into a fresh runtime (one that has seen no event), in the visiting order. Numbers
     * are checked and a bad one throws {@link IllegalArgumentException} naming it.
     */
    public static final class Restorer {
        private final RuleRuntime runtime;
        private KeyState[] states;
        private int[] waitingSeen;
        private int keyCount;
        private KeyState stale;

        public Restorer(RuleRuntime runtime) {
            if (!runtime.keys.isEmpty() || !runtime.waiting.isEmpty() || !runtime.timers.isEmpty()) {
                throw new IllegalStateException("rule " + runtime.rule().name() + " already has state");
            }
            this.runtime = runtime;
        }

        public void begin(long round, long arrivals, long watermark, long eventsIn, long matches, long timeouts,
                long dropped, long evaluationErrors, int maxKeys, int keys) {
            check(keys >= 0 && maxKeys >= keys, "key count " + keys + " above the most keys ever " + maxKeys);
            runtime.round = round;
            runtime.arrivals = arrivals;
            runtime.watermark = watermark;
            runtime.eventsIn = eventsIn;
            runtime.matches = matches;
            runtime.timeouts = timeouts;
            runtime.dropped = dropped;
            runtime.evaluationErrors = evaluationErrors;
            runtime.maxKeys = maxKeys;
            runtime.keys = new HashMap<>(capacity(maxKeys));
            states = new KeyState[keys];
            waitingSeen = new int[keys];
            keyCount = 0;
        }

        /** Adds the next key; {@code key} as the engine holds it. */
        public void key(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
                PartialMatches partialMatches) {
            check(keyCount < states.length, "more keys than announced");
            check(waitingEvents >= 0, "negative waiting-event count");
            KeyState state = new KeyState(key, partialMatches);
            state.waitingEvents = waitingEvents;
            state.scheduledDeadline = scheduledDeadline;
            state.advancedTo = advancedTo;
            state.round = round;
            check(runtime.keys.put(key, state) == null, "key " + key + " twice");
            states[keyCount++] = state;
        }

        /** @param key the number of the key (visiting order) the event waits for */
        public void waiting(Event event, int key, long arrival) {
            check(key >= 0 && key < keyCount, "waiting event of key " + key + " outside 0.." + keyCount);
            runtime.waiting.add(new RuleRuntime.Waiting(event, states[key], arrival));
            waitingSeen[key]++;
        }

        /** @param key the number of the key (visiting order), or -1 for a stale timer */
        public void timer(long deadline, int key, long order) {
            check(key >= -1 && key < keyCount, "timer of key " + key + " outside 0.." + keyCount);
            KeyState state;
            if (key >= 0) {
                state = states[key];
            } else {
                if (stale == null) {
                    stale = new KeyState(STALE, null);
                }
                state = stale;
            }
            runtime.timers.add(new RuleRuntime.Timer(deadline, state, order));
        }

        /** Checks that every announced key came and that waiting counts agree with the waiting events. */
        public void finish() {
            check(keyCount == states.length, "fewer keys than announced");
            for (int i = 0; i < keyCount; i++) {
                check(waitingSeen[i] == states[i].waitingEvents, "key " + states[i].key + " counts "
                        + states[i].waitingEvents + " waiting events but " + waitingSeen[i] + " wait");
            }
            states = null;
            waitingSeen = null;
        }

        /** The table capacity of a {@code HashMap} that once held {@code most} keys (default settings). */
        private static int capacity(int most) {
            int capacity = 16;
            while (most > capacity / 4 * 3) {
                capacity *= 2;
            }
            return capacity;
        }

        private static void check(boolean condition, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(problem);
            }
        }
    }
}

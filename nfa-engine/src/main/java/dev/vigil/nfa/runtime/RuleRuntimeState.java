package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.match.PartialMatches;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one {@link RuleRuntime} as plain values, for state snapshots: a {@link #capture} hands it to a
 * {@link Visitor} (the codec in {@code dev.vigil.nfa.state} writes bytes), a {@link Restorer} puts the same
 * values back into a fresh runtime of the same rule. The byte format is not this class's business, and neither is
 * the backend: a snapshot of a heap runtime restores into a serialized one and back.
 *
 * <p><b>What is state.</b> The counters, the release round and arrival counter, the rule's watermark, every key
 * with its {@link PartialMatches} and its place in the order of eviction ({@link KeyState#heldSince}), the events
 * waiting for the watermark and the timers, and {@code SUPPRESS FOR}'s count of suppressed alerts and last emitted
 * alert per key ({@link AlertSuppression}). Scratch ({@code touched},
 * {@code current}) is empty between two engine calls, which is when captures start. Keys are numbered in
 * visiting order; waiting events and timers name their key by that number. Incarnations are not state: a restore
 * numbers the states 1, 2, ... in visiting order.
 *
 * <p><b>Orders kept.</b> Both queues are visited in release order (their order is total: arrival and timer order
 * numbers are unique); re-added in that order, a {@link NearlySortedQueue} holds them all in its FIFO and lists
 * them the same way again. The keys are visited in the store's order (see
 * {@link HeapKeyStore} for how the heap store keeps it across a restore; the serialized store's is the byte order of
 * the keys, the same after a restore), so a second snapshot of a restored runtime has the same bytes. Key order
 * has no effect on output.
 *
 * <p><b>Stale timers.</b> A timer whose key's state has left the store (the key went idle, and may since have
 * come back with a new state) is skipped when it fires ({@link RuleRuntime#fireTimers}); its only effect is on
 * the dropped state itself. It is written with no key and restored as a timer of no key, so the timer queue, and
 * what a later snapshot writes, stay as they were.
 *
 * <p><b>Not thread-safe:</b> used by the thread that owns the runtime, between two engine calls.
 */
public final class RuleRuntimeState {
    private RuleRuntimeState() {}

    /**
     * Receives one runtime's state: begin, keys (numbered 0, 1, ... in this order), waiting events (in release
     * order), timers (same), suppression.
     */
    public interface Visitor {
        void begin(long round, long arrivals, long watermark, long eventsIn, long matches, long timeouts,
                long dropped, long workBoundTrips, long evictedKeys, long evaluationErrors, long droppedOnReplace,
                int maxKeys, int keys, int waiting, int timers) throws IOException;

        /**
         * @param key the key as the engine holds it ({@link PartitionKey#GLOBAL} and {@link PartitionKey#NULL}
         *     for the global and the null key)
         * @param heldSince 0 when the key holds no partial match, else its place in the order of eviction
         */
        void key(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
                long heldSince, PartialMatches partialMatches) throws IOException;

        /** @param key the number of the key the event waits for */
        void waiting(Event event, int key, long arrival) throws IOException;

        /** @param key the number of the key, or -1 for a stale timer */
        void timer(long deadline, int key, long order) throws IOException;

        /**
         * Instead of the keys, when they stay in the key store (its checkpoint): the rule's number in the store,
         * the last incarnation given, what the rule's store keeps besides the states; then the waiting events and
         * timers name their keys by the keys themselves ({@link #waitingOfKey}, {@link #timerOfKey}).
         */
        void inStore(int rule, long incarnations, int holders, long lastHeldSince, long partialMatches)
                throws IOException;

        /** A waiting event of a key in the store. */
        void waitingOfKey(Event event, Object key, long arrival) throws IOException;

        /** A timer of the state of {@code incarnation} of a key in the store; {@code key} null for a stale timer. */
        void timerOfKey(long deadline, Object key, long incarnation, long order) throws IOException;

        /**
         * {@code SUPPRESS FOR}: the alerts suppressed so far, and the keys (as the engine holds them) whose period
         * may be under way with the time of their last emitted alert, in first-alert order.
         */
        void suppression(long suppressedAlerts, Object[] keys, long[] lastEmitted) throws IOException;

        /**
         * Windowed aggregates ({@link KeyWindows}), last: the count of events evicted by the bound per key, then each
         * key with events (as the engine holds it), in first-event order, with its events and their times, oldest
         * first. A rule without windowed aggregates has none.
         */
        void windows(long evictedEvents, int keys) throws IOException;

        void window(Object key, Event[] events, long[] times) throws IOException;
    }

    /**
     * The runtime's state as it is now, to be handed to a visitor in slices while the runtime goes on
     * ({@link KeyStateStore#capture}): counters and both queues are copied now (the queues as arrays of their immutable
     * entries), the keys are visited as they were now. Between two engine calls only.
     */
    public static Capture capture(RuleRuntime runtime) throws IOException {
        return new Capture(runtime, false);
    }

    /**
     * A capture that leaves the keys in the runtime's key store: their changed cached states are written back now,
     * so a checkpoint of the store taken before the next engine call ({@link KeyStorage#checkpoint}) holds them as
     * they are now; the capture visits no key ({@link Visitor#inStore} instead), only the waiting events and
     * timers, which live on the heap. Key states in a store only.
     */
    public static Capture captureInStore(RuleRuntime runtime) throws IOException {
        return new Capture(runtime, true);
    }

    /**
     * See {@link #capture}: {@link #begin}, {@link #keys} until true, {@link #end} until true; {@link #done} in any
     * case.
     */
    public static final class Capture {
        private final long round;
        private final long arrivals;
        private final long watermark;
        private final long eventsIn;
        private final long matches;
        private final long timeouts;
        private final long dropped;
        private final long workBoundTrips;
        private final long evictedKeys;
        private final long evaluationErrors;
        private final long droppedOnReplace;
        private final int maxKeys;
        private final RuleRuntime.Waiting[] waiting;
        private final RuleRuntime.Timer[] timers;
        /** The captured keys, or null when they stay in the store ({@link #inStore}). */
        private final KeyStateStore.Capture keys;
        private final SerializedKeyStore.InStore inStore;
        private final long incarnations;
        private final KeyStateStore store;
        private final long suppressed;
        private final AlertSuppression.Entries suppression;
        private final long windowEvicted;
        private final List<Object> windowKeys = new ArrayList<>();
        private final List<Event[]> windowEvents = new ArrayList<>();
        private final List<long[]> windowTimes = new ArrayList<>();
        private int nextWaiting;
        private int nextTimer;
        private boolean suppressionDone;

        private Capture(RuleRuntime runtime, boolean keysInStore) throws IOException {
            runtime.unskip();
            round = runtime.round;
            arrivals = runtime.arrivals;
            watermark = runtime.watermark;
            eventsIn = runtime.eventsIn;
            matches = runtime.matches;
            timeouts = runtime.timeouts;
            dropped = runtime.dropped;
            workBoundTrips = runtime.workBoundTrips;
            evictedKeys = runtime.evictedKeys;
            evaluationErrors = runtime.evaluationErrors;
            droppedOnReplace = runtime.droppedOnReplace;
            maxKeys = runtime.maxKeys;
            // In release order: the order a visit writes, and the order a restore queues them in again.
            waiting = runtime.waiting.toSortedArray(new RuleRuntime.Waiting[0]);
            timers = runtime.timers.toSortedArray(new RuleRuntime.Timer[0]);
            incarnations = runtime.incarnations;
            store = runtime.keys;
            if (keysInStore) {
                if (!(runtime.keys instanceof SerializedKeyStore serialized)) {
                    throw new IllegalStateException("rule " + runtime.rule().name() + " keeps its keys on the heap");
                }
                keys = null;
                inStore = serialized.inStore();
            } else {
                keys = runtime.keys.capture(runtime.incarnations);
                inStore = null;
            }
            suppressed = runtime.suppression.suppressed;
            suppression = runtime.suppression.entries();
            windowEvicted = runtime.windows == null ? 0 : runtime.windows.evicted;
            if (runtime.windows != null) {
                runtime.windows.visit((key, events, times) -> {
                    windowKeys.add(key);
                    windowEvents.add(events);
                    windowTimes.add(times);
                });
            }
        }

        /** The keys and waiting events captured: at least the distinct events they hold, as a rule. */
        public int heldItems() {
            return (keys == null ? 0 : keys.size()) + waiting.length;
        }

        public void begin(Visitor visitor) throws IOException {
            visitor.begin(round, arrivals, watermark, eventsIn, matches, timeouts, dropped, workBoundTrips, evictedKeys,
                    evaluationErrors, droppedOnReplace, maxKeys, keys == null ? inStore.size() : keys.size(),
                    waiting.length, timers.length);
            if (inStore != null) {
                visitor.inStore(inStore.rule(), incarnations, inStore.holders(), inStore.lastHeldSince(),
                        inStore.partialMatches());
            }
        }

        /** Visits up to {@code max} more keys; true once every key has been visited (at once when in the store). */
        public boolean keys(Visitor visitor, int max) throws IOException {
            if (keys == null) {
                return true;
            }
            return keys.visit(state -> visitor.key(state.key, state.waitingEvents, state.scheduledDeadline,
                    state.advancedTo, state.round, state.heldSince, state.partialMatches), max);
        }

        /**
         * After every key: up to {@code max} more of the waiting events, then of the timers (they name their keys
         * by number), then the suppression (at once: one entry per key that alerted in a period); true once all are
         * visited.
         */
        public boolean end(Visitor visitor, int max) throws IOException {
            int budget = max;
            for (; budget > 0 && nextWaiting < waiting.length; budget--) {
                RuleRuntime.Waiting next = waiting[nextWaiting];
                waiting[nextWaiting++] = null;
                if (keys == null) {
                    visitor.waitingOfKey(next.event(), next.key(store), next.arrival());
                    continue;
                }
                int key = keys.numberOf(next.key(store), KeyStateStore.ANY);
                if (key < 0) {
                    throw new IllegalStateException("a waiting event of a key not in the store: " + next.event());
                }
                visitor.waiting(next.event(), key, next.arrival());
            }
            for (; budget > 0 && nextTimer < timers.length; budget--) {
                RuleRuntime.Timer next = timers[nextTimer];
                timers[nextTimer++] = null;
                if (keys == null) {
                    visitor.timerOfKey(next.deadline(), next.handle() == null ? null : store.keyOf(next.handle()),
                            next.incarnation(), next.order());
                    continue;
                }
                int key = next.handle() == null ? -1
                        : keys.numberOf(store.keyOf(next.handle()), next.incarnation());
                visitor.timer(next.deadline(), key, next.order());
            }
            if (budget > 0 && nextTimer == timers.length && !suppressionDone) {
                visitor.suppression(suppressed, suppression.keys(), suppression.times());
                visitor.windows(windowEvicted, windowKeys.size());
                for (int i = 0; i < windowKeys.size(); i++) {
                    visitor.window(windowKeys.get(i), windowEvents.get(i), windowTimes.get(i));
                }
                suppressionDone = true;
            }
            return suppressionDone;
        }

        /** Ends the capture: the store may start another. */
        public void done() {
            if (keys != null) {
                keys.done();
            }
        }
    }

    /**
     * Puts visited values back into a fresh runtime (one that has seen no event), in the visiting order. Numbers
     * are checked and a bad one throws {@link IllegalArgumentException} naming it.
     */
    public static final class Restorer {
        private final RuleRuntime runtime;
        private Object[] keys;
        /** The {@link KeyStateStore#handle} of each key's restored state. */
        private Object[] handles;
        private int[] waitingCounts;
        private int[] waitingSeen;
        private int announced;
        private int keyCount;

        public Restorer(RuleRuntime runtime) {
            if (runtime.keys.size() != 0 || !runtime.waiting.isEmpty() || !runtime.timers.isEmpty()) {
                throw new IllegalStateException("rule " + runtime.rule().name() + " already has state");
            }
            this.runtime = runtime;
        }

        public void begin(long round, long arrivals, long watermark, long eventsIn, long matches, long timeouts,
                long dropped, long workBoundTrips, long evictedKeys, long evaluationErrors, long droppedOnReplace,
                int maxKeys, int keys) {
            check(keys >= 0 && maxKeys >= keys, "key count " + keys + " above the most keys ever " + maxKeys);
            runtime.round = round;
            runtime.arrivals = arrivals;
            runtime.watermark = watermark;
            runtime.eventsIn = eventsIn;
            runtime.matches = matches;
            runtime.timeouts = timeouts;
            runtime.dropped = dropped;
            runtime.workBoundTrips = workBoundTrips;
            runtime.evictedKeys = evictedKeys;
            runtime.evaluationErrors = evaluationErrors;
            runtime.droppedOnReplace = droppedOnReplace;
            runtime.maxKeys = maxKeys;
            runtime.keys.presize(maxKeys);
            announced = keys;   // the tables are made by the first key: none when the keys stay in the store
            keyCount = 0;
        }

        /**
         * Adds the next key; {@code key} as the engine holds it, {@code heldSince} its place in the order of eviction
         * (0: none recorded; the holders without one are ordered as they come).
         */
        public void key(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
                long heldSince, PartialMatches partialMatches) {
            check(keyCount < announced, "more keys than announced");
            if (keyCount == 0) {
                keys = new Object[announced];
                handles = new Object[announced];
                waitingCounts = new int[announced];
                waitingSeen = new int[announced];
            }
            check(waitingEvents >= 0, "negative waiting-event count");
            check(heldSince >= 0, "negative place in the order of eviction");
            KeyState state = new KeyState(key, partialMatches, ++runtime.incarnations);
            state.waitingEvents = waitingEvents;
            state.scheduledDeadline = scheduledDeadline;
            state.advancedTo = advancedTo;
            state.round = round;
            state.heldSince = heldSince;
            runtime.keys.add(state);
            runtime.keys.put(state);
            waitingCounts[keyCount] = waitingEvents;
            handles[keyCount] = runtime.keys.handle(state);
            keys[keyCount++] = key;
        }

        /** @param key the number of the key (visiting order) the event waits for */
        public void waiting(Event event, int key, long arrival) {
            if (key < 0 || key >= keyCount) {
                throw new IllegalArgumentException("waiting event of key " + key + " outside 0.." + keyCount);
            }
            runtime.waiting.add(new RuleRuntime.Waiting(event, handles[key], arrival));
            waitingSeen[key]++;
        }

        /** @param key the number of the key (visiting order), or -1 for a stale timer */
        public void timer(long deadline, int key, long order) {
            if (key < -1 || key >= keyCount) {   // the message only then: built per timer, it was a quarter of a restore
                throw new IllegalArgumentException("timer of key " + key + " outside 0.." + keyCount);
            }
            // Key number i got incarnation i + 1 (the runtime was fresh); a stale timer names no key.
            runtime.timers.add(key >= 0 ? new RuleRuntime.Timer(deadline, handles[key], key + 1, order)
                    : new RuleRuntime.Timer(deadline, null, 0, order));
        }

        /**
         * Instead of the keys, when they are in the key store (opened from the checkpoint the snapshot names): the
         * rule's store takes its number there and what it kept besides the states; later states are numbered after
         * {@code incarnations}. Then {@link #waitingOfKey} and {@link #timerOfKey}, and {@link #finishInStore}.
         */
        public void inStore(int rule, long incarnations, int holders, long lastHeldSince, long partialMatches) {
            check(holders >= 0 && holders <= announced, "holders " + holders + " of " + announced + " keys");
            check(incarnations >= 0 && lastHeldSince >= 0 && partialMatches >= 0 && rule >= 0,
                    "negative counts of the keys in the store");
            if (!(runtime.keys instanceof SerializedKeyStore serialized)) {
                throw new IllegalStateException("rule " + runtime.rule().name() + " keeps its keys on the heap");
            }
            serialized.restoreInStore(new SerializedKeyStore.InStore(rule, announced, holders, lastHeldSince,
                    partialMatches));
            runtime.incarnations = incarnations;
        }

        /** A waiting event of {@code key}, whose state is in the store. */
        public void waitingOfKey(Event event, Object key, long arrival) {
            runtime.waiting.add(new RuleRuntime.Waiting(event, key, arrival));
        }

        /** A timer of {@code key}'s state of {@code incarnation}, or a stale one ({@code key} null). */
        public void timerOfKey(long deadline, Object key, long incarnation, long order) {
            runtime.timers.add(new RuleRuntime.Timer(deadline, key, key == null ? 0 : incarnation, order));
        }

        /** After {@link #inStore}: the states' waiting counts are the store's, not checked here. */
        public void finishInStore() {
            runtime.keys.finishRestore();
        }

        /** {@code SUPPRESS FOR}: the count of suppressed alerts. */
        public void suppressed(long suppressedAlerts) {
            check(suppressedAlerts >= 0, "negative count of suppressed alerts");
            runtime.suppression.suppressed = suppressedAlerts;
        }

        /** {@code SUPPRESS FOR}: a key whose period may be under way, and its last emitted alert's time. */
        public void suppression(Object key, long lastEmitted) {
            runtime.suppression.restore(key, lastEmitted);
        }

        /** Windowed aggregates: the count of events evicted by the bound per key. */
        public void windowsEvicted(long evictedEvents) {
            check(evictedEvents >= 0, "negative count of evicted window events");
            if (runtime.windows != null) {
                runtime.windows.evicted = evictedEvents;
            }
        }

        /** Windowed aggregates: one key's events, oldest first; ignored by a rule without windowed aggregates. */
        public void window(Object key, Event[] events, long[] times) {
            if (runtime.windows != null) {
                runtime.windows.restore(key, events, times);
            }
        }

        /** Checks that every announced key came and that waiting counts agree with the waiting events. */
        public void finish() {
            check(keyCount == announced, "fewer keys than announced");
            runtime.keys.finishRestore();
            for (int i = 0; i < keyCount; i++) {
                if (waitingSeen[i] != waitingCounts[i]) {
                    throw new IllegalArgumentException("key " + keys[i] + " counts " + waitingCounts[i]
                            + " waiting events but " + waitingSeen[i] + " wait");
                }
            }
            keys = null;
            handles = null;
            waitingCounts = null;
            waitingSeen = null;
        }

        private static void check(boolean condition, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(problem);
            }
        }
    }
}

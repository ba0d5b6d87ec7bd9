package dev.vigil.nfa.runtime;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.nfa.EventTime;
import dev.vigil.nfa.KeyInspection;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.nfa.expr.EvaluationErrors;
import dev.vigil.nfa.match.MatchOutput;
import dev.vigil.nfa.match.MatchedEvents;
import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.match.PartialMatches;
import dev.vigil.nfa.match.RunInspector;
import dev.vigil.nfa.program.RuleProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one rule over the keys of one engine (shard): buffers events until the watermark passes them, feeds
 * them to the rule's {@link Matcher} per key in event-time order, and fires timers.
 *
 * <p>Event time follows Flink CEP's {@code CepOperator}: an event waits until the rule's watermark reaches its
 * timestamp; then, per key, for each timestamp in ascending order the NFA's time is advanced to it and its events
 * are processed in arrival order; finally the NFA's time is advanced to the watermark, which times out or
 * completes partial matches. Like Flink, a key is visited only when one of its events is released or a window
 * timer of it is due ({@link Matcher#nextDeadline}: the first event's time plus {@code WITHIN}); a key with
 * neither is not touched, so a watermark costs nothing for idle keys.
 *
 * <p>Released events are processed across keys in global (timestamp, arrival) order, so alerts come out in
 * event-time order, and the output is deterministic for a given input.
 *
 * <p>Key states live in a {@link KeyStateStore} (heap or serialized); waiting events and timers stay on the heap
 * (the watermark delay and the windows bound them) and keep the store's {@link KeyStateStore#handle} of the state:
 * the state itself on the heap (no second lookup of the key), the key with a serialized store, which keeps states
 * out of memory between two visits. A timer also names the state's incarnation: it is stale, and skipped, once the
 * key went idle and its state was removed, even if the key came back since.
 *
 * <p><b>Key bound.</b> At most {@link KeyBudget#maxPerRule} keys hold partial matches: after each call that
 * released events or fired timers, the keys that have held partial matches the longest (without a break) are
 * evicted while more hold some ({@link #evictOldest}). Events are released in event-time order, so these are the
 * keys whose oldest partial matches are oldest, give or take the key whose first run completed while a later one
 * was under way. Keys whose events only wait for the watermark are not counted: the watermark delay bounds them.
 * Keys released to by one watermark begin to hold in the order an event first left each holding some: an event that
 * leaves its key idle does not place it, so an engine restored from a snapshot (which keeps the events skipped on
 * arrival as waiting events of states made for them) evicts as the engine it came from would ({@link #touched}).
 *
 * <p><b>Stale timers.</b> A key removed before its timer is due (idle, or evicted) leaves the timer in the queue
 * until its deadline, which may be a window (an hour) away: a flood of keys would fill the queue with them however
 * few keys hold state. Removals that leave a timer behind are counted, and once they are more than half the queue,
 * the stale timers are taken out in one pass (amortized constant time per removal). A stale timer does nothing when
 * it fires, so taking it out early changes no output.
 *
 * <p><b>Not thread-safe:</b> owned by one engine, driven by one thread.
 */
public final class RuleRuntime implements MatchOutput {
    /** Stale timers are left alone below this many: a pass over a small queue is not worth its time. */
    private static final int MIN_STALE_TIMERS = 1_024;

    private final CompiledRule rule;
    private final RuleProgram program;
    private final Matcher matcher;
    private final PartitionKey partitionKey;
    private final KeySlice slice;
    private final AlertBuilder alerts;
    private final EngineListener listener;
    private final KeyBudget budget;
    /** This rule's count of keys holding partial matches in the budget; the store's (a successor takes it over). */
    private KeyBudget.Share share;
    /** The tests every start of the rule begins with, or null ({@link StartTest}). */
    private final StartTest startTest;

    // Package-private for RuleRuntimeState, which snapshots and restores them; not final: a new version of the
    // rule with the same shape takes them over (takeOver).
    KeyStateStore keys;
    /** The most keys ever held at once: decides the heap table's capacity, so a restore can give it the same. */
    int maxKeys;
    /** The last incarnation given to a new key state; not snapshotted (a restore numbers the states afresh). */
    long incarnations;
    NearlySortedQueue<Waiting> waiting = new NearlySortedQueue<>();
    NearlySortedQueue<Timer> timers = new NearlySortedQueue<>();
    /**
     * The keys released events left holding partial matches this round, in the order they first did: the order
     * they are settled in, so the order they begin to hold partial matches (eviction, {@link #evictOldest}) and
     * their timers are queued in. A key an event leaves idle waits in {@link #idleTouched} instead and joins here
     * only if a later event of the round leaves it holding some: an event that does nothing (one skipped on
     * arrival, which a snapshot keeps as a waiting event of a state made for it, {@link #unskip}) must not place
     * its key, or an engine restored from a snapshot would evict in another order than the one it came from.
     */
    private final ArrayList<KeyState> touched = new ArrayList<>();
    /** Keys released events left idle this round ({@code round} is then {@code ~round}), settled last. */
    private final ArrayList<KeyState> idleTouched = new ArrayList<>();
    /** Removals that left a timer in the queue since it was last cleared of stale ones (not snapshotted). */
    private int staleTimers;
    /**
     * Events skipped on arrival ({@link #buffer(Event, long)}) that the watermark has not passed yet, in arrival
     * order: kept so that a snapshot or a rule replacement sees them as waiting events, as if never skipped.
     */
    private final SkippedEvents skipped = new SkippedEvents();
    /** Waiting events held in no key state ({@link Waiting#held}); not snapshotted (a snapshot holds them first). */
    private int unheld;
    /**
     * No waiting event and no timer of the rule is due before this time: a lower bound, lowered as each is queued and
     * made exact by each full {@link #advanceTo}, so that advancing a rule with nothing due (most rules at most events,
     * when there are many) reads no queue. Skipped events do not lower it: their release only forgets them, which
     * {@link #advanceTo} does first (with fifty rules, each event is skipped by most of them, and would otherwise make
     * every rule read its queues at every advance). Not snapshotted: a fresh or restored runtime starts unknowing.
     */
    private long earliestDue = Long.MIN_VALUE;
    /** A fresh key state on which an arriving event is tried out; replaced once an event changed it. */
    private PartialMatches trial;
    private final TrialOutput trialOutput = new TrialOutput();
    /** Made on the first question about the keys ({@link #inspect}, {@link #explain}, {@link #census}). */
    private RunInspector inspector;
    long round;
    long arrivals;
    long watermark = Long.MIN_VALUE;
    private KeyState current;
    /** The clocks of the streams the rule reads (set by the engine): the rule's watermark is the lowest of theirs. */
    private StreamClock[] clocks = new StreamClock[0];

    long eventsIn;
    long matches;
    long timeouts;
    long dropped;
    /** Calls whose work on a key passed the work bound (their key's partial matches are counted in dropped). */
    long workBoundTrips;
    long evictedKeys;
    long evaluationErrors;
    /** Partial matches of replaced versions of the rule that this version could not take over. */
    long droppedOnReplace;
    /** {@code SUPPRESS FOR}: the alerts let through, and the count of those not (snapshotted). */
    final AlertSuppression suppression;
    /** {@link #holdsState}, made once: a method reference made per call would allocate at every advance. */
    private final java.util.function.Predicate<Object> holdsState = this::holdsState;
    /**
     * The keys' recent events for the conditions' windowed aggregates (snapshotted), or null when the rule has none.
     * A rule with some is never spared an event: each is held for the watermark and released to its key, which is
     * where it joins the key's windows ({@link KeyWindows}).
     */
    final KeyWindows windows;

    public RuleRuntime(CompiledRule rule, RuleProgram program, int maxPartialMatchesPerKey, EngineListener listener) {
        this(rule, program, maxPartialMatchesPerKey, EngineConfig.DEFAULT_MAX_WORK_PER_EVENT, KeySlice.ALL, listener,
                KeyStorage.heap(), KeyBudget.unbounded());
    }

    /**
     * A runtime that ignores the events of keys outside {@code slice} (another engine owns them), keeping its key
     * states where {@code storage} says (the heap, or a key store), and its keys holding partial matches within
     * {@code budget}'s bound per rule (and counted in it: the engine enforces its total).
     */
    public RuleRuntime(CompiledRule rule, RuleProgram program, int maxPartialMatchesPerKey, long maxWorkPerEvent,
            KeySlice slice, EngineListener listener, KeyStorage storage, KeyBudget budget) {
        this.rule = rule;
        this.program = program;
        this.slice = slice;
        this.budget = budget;
        this.matcher = new Matcher(program.nfa(), maxPartialMatchesPerKey, maxWorkPerEvent);
        this.share = budget.share(this);
        this.keys = storage.newStore(matcher, program.nfa(), share);
        this.partitionKey = new PartitionKey(rule.partitionBy());
        this.alerts = new AlertBuilder(rule, program);
        this.listener = listener;
        this.windows = KeyWindows.of(program.windows());
        this.startTest = windows != null ? null : StartTest.of(program.nfa(), matcher);
        this.suppression = new AlertSuppression(rule.suppressMillis());
    }

    /** The tests an event must pass to start the rule, when the engine can index them; else null. */
    StartTest startTest() {
        return startTest;
    }

    public CompiledRule rule() {
        return rule;
    }

    /** What the runtime runs: the rule's NFA and compiled {@code EMIT} expressions. */
    public RuleProgram program() {
        return program;
    }

    public long watermark() {
        return watermark;
    }

    /**
     * What the key holds now, {@code key} given as alerts show it ({@link PartitionKey#internal}); changes nothing.
     * At most {@code maxRuns} partial matches with {@code maxEvents} events each and {@code maxWaiting} waiting
     * events are listed. Between two engine calls.
     */
    public KeyInspection inspect(Object key, int maxRuns, int maxEvents, int maxWaiting) {
        Object held = PartitionKey.internal(rule.partitionBy(), key);
        return RuleInspector.inspect(this, inspector(), held, maxRuns, maxEvents, maxWaiting);
    }

    /**
     * What {@code event} would find among the runs of its key, at most {@code maxRuns} of them; changes nothing.
     * Between two engine calls.
     *
     * @param late whether the event is at or below its stream's watermark
     * @throws IllegalArgumentException the event's key belongs to another engine's slice
     */
    public EventExplanation explain(Event event, boolean late, int maxRuns) {
        if (!slice.owns(keyOf(event))) {
            throw new IllegalArgumentException("the key of " + event + " belongs to another slice than " + slice);
        }
        return RuleInspector.explain(this, inspector(), event, late, maxRuns);
    }

    /** Starts counting the partial matches per NFA state over every key ({@link RuleCensus}). Between two calls. */
    public RuleCensus census() {
        return new RuleCensus(keys.census(), inspector(), program.nfa().states().size());
    }

    private RunInspector inspector() {
        RunInspector made = inspector;
        if (made == null) {
            made = new RunInspector(program.nfa());
            inspector = made;
        }
        return made;
    }

    /** The key of {@code event} as this runtime holds it. */
    Object keyOf(Event event) {
        return partitionKey.of(event);
    }

    /** A key state holding only the start run, as a key holding nothing would get. */
    PartialMatches freshState() {
        return matcher.newState();
    }

    SkippedEvents skipped() {
        return skipped;
    }

    /** Reads the watermarks of {@code streamClocks}, the clocks of the rule's streams. */
    public void readFrom(List<StreamClock> streamClocks) {
        clocks = streamClocks.toArray(new StreamClock[0]);
    }

    /** The lowest watermark of the rule's streams: where {@link #advanceTo} may go. */
    public long streamsWatermark() {
        long lowest = Long.MAX_VALUE;
        for (StreamClock clock : clocks) {
            lowest = Math.min(lowest, clock.watermark());
        }
        return lowest;
    }

    /** Event time: holds the event until the watermark passes its timestamp (events of keys it owns). */
    public void buffer(Event event) {
        Object key = partitionKey.of(event);
        if (!slice.owns(key)) {
            return;
        }
        eventsIn++;
        hold(keys.get(key), event, key, arrivals++);
    }

    /**
     * As {@link #buffer(Event)}, knowing that the rule's watermark is at least {@code watermark} once the event is
     * in. Most events of most rules reach a key holding nothing and cannot start a match there (an event of
     * another type, a value below a threshold); creating the key's state, queueing the event and removing the
     * state again at the watermark would be most of the work for them. Such an event is skipped at once when
     * nothing can come before it in the key's order: the key has no state (so no events waiting and no partial
     * matches), and every later event of it is later in time or arrives later at the same time ({@code watermark}
     * is at least the event's time minus one). Whether it starts anything is decided by feeding it to a fresh
     * trial state, the same code the release would run, so the outcome is the same (or, when the start guards do
     * not read the match, by those guards alone: {@link Matcher#takesFromStart}); its evaluation errors count
     * once either way. When the watermark is behind (an event of the key may still come before it), such an event
     * waits for the watermark as any other, but in no key state: none is made, written or counted for it
     * ({@link Waiting#held}).
     */
    public void buffer(Event event, long watermark) {
        buffer(event, partitionKey.of(event), watermark);
    }

    /** {@link #buffer(Event, long)} for an event whose key ({@code key}, the rule's) the engine read already. */
    void buffer(Event event, Object key, long watermark) {
        if (!slice.owns(key)) {
            return;
        }
        eventsIn++;
        long arrival = arrivals++;
        KeyState state = keys.get(key);
        if (state == null && windows == null) {
            if (EventTime.minus(event.timestamp(), 1) <= watermark) {
                if (startsNothing(event, true)) {
                    if (event.timestamp() > watermark) {
                        skipped.add(event, key, arrival);   // nothing due for it: see earliestDue
                    }
                    return;
                }
            } else if (startsNothing(event, false)) {
                // An event of the key may still come before it: it waits, but in no key state (see Waiting.held).
                waiting.add(new Waiting(event, key, arrival, false));
                unheld++;
                due(event.timestamp());
                return;
            }
        }
        hold(state, event, key, arrival);
    }

    /**
     * {@link #buffer(Event, long)} for an event the engine knows reaches a key ({@code key}, the rule's) holding no
     * state here and starts nothing, without an evaluation error ({@link RuleDispatch}): the same effect, without
     * looking the key up or evaluating a guard.
     */
    void bufferStartingNothing(Event event, Object key, long watermark) {
        if (!slice.owns(key)) {
            return;
        }
        eventsIn++;
        long arrival = arrivals++;
        if (EventTime.minus(event.timestamp(), 1) <= watermark) {
            if (event.timestamp() > watermark) {
                skipped.add(event, key, arrival);   // nothing due for it: see earliestDue
            }
        } else {
            waiting.add(new Waiting(event, key, arrival, false));
            unheld++;
            due(event.timestamp());
        }
    }

    /** Queues an arrived event for the watermark on the key's state ({@code held}, or a new one when null). */
    private void hold(KeyState held, Event event, Object key, long arrival) {
        KeyState state = held != null ? held : newState(key);
        state.waitingEvents++;
        waiting.add(new Waiting(event, keys.handle(state), arrival));
        due(event.timestamp());
        keys.put(state);
    }

    /**
     * Whether the event, fed to a key holding nothing, leaves it holding nothing and reports nothing. The evaluation
     * errors of a "nothing" are counted when {@code last}: the event is not evaluated again; otherwise it will be
     * (at its release), and they are counted then.
     */
    private boolean startsNothing(Event event, boolean last) {
        long before = EvaluationErrors.drain();
        boolean nothing;
        if (matcher.screensStarts()) {
            nothing = !matcher.takesFromStart(event);   // the start guards alone decide it
        } else {
            if (trial == null) {
                trial = matcher.newState();
            }
            trialOutput.reported = false;
            matcher.process(trial, event, event.timestamp(), trialOutput);
            nothing = !trialOutput.reported && matcher.isIdle(trial);
            if (!nothing) {
                trial = null;   // changed: the release evaluates the event again on the key's own state
            }
        }
        long errors = EvaluationErrors.drain();
        evaluationErrors += before;   // none in practice: every evaluation this runtime drives drains at its end
        if (nothing && last) {
            evaluationErrors += errors;   // counted here: the event is not evaluated again
        }
        return nothing;
    }

    /**
     * Puts back the skipped events the watermark has not passed as waiting events, with their arrival numbers, and
     * gives the waiting events held in no key state one: before a snapshot or a rule replacement, which must see
     * exactly what they would have seen without skipping (a snapshot names each waiting event's key by its state).
     */
    void unskip() {
        for (int i = 0; i < skipped.size(); i++) {
            hold(keys.get(skipped.key(i)), skipped.event(i), skipped.key(i), skipped.arrival(i));
        }
        skipped.clear();
        if (unheld > 0) {
            Waiting[] all = waiting.toSortedArray(new Waiting[0]);
            waiting.clear();
            unheld = 0;
            for (Waiting next : all) {   // in order: the queue holds them in its FIFO again
                if (next.held) {
                    waiting.add(next);
                } else {
                    hold(keys.get(next.handle), next.event, next.handle, next.arrival);
                }
            }
        }
    }

    /** Processing time: advances the key's time to {@code nowMs} and feeds the event at once, as Flink does. */
    public void processNow(Event event, long nowMs) {
        Object key = partitionKey.of(event);
        if (!slice.owns(key)) {
            return;
        }
        eventsIn++;
        KeyState state = stateOf(key);
        current = state;
        matcher.advanceTime(state.partialMatches, nowMs, this);
        if (windows != null) {
            windows.enter(key, event, nowMs);
        }
        matcher.process(state.partialMatches, event, nowMs, this);
        if (windows != null) {
            windows.leave();
        }
        settle(state);
        evaluationErrors += EvaluationErrors.drain();
        keepWithinBound();
    }

    /**
     * Releases every waiting event at or below {@code newWatermark}, then advances the time of every key that
     * received events to the watermark, then fires the timers the watermark passed. Per key this is exactly the
     * sequence of Flink's {@code CepOperator.onEventTime}: advance to each event timestamp before its events,
     * process them in arrival order, advance to the watermark.
     */
    public void advanceTo(long newWatermark) {
        if (newWatermark <= watermark) {
            return;
        }
        watermark = newWatermark;
        round++;
        skipped.releaseUpTo(newWatermark);   // released now: nothing would have happened
        if (newWatermark < earliestDue) {
            return;   // nothing to release, no timer to fire: what the rest would find, without reading a queue
        }
        while (!waiting.isEmpty() && waiting.peek().event.timestamp() <= newWatermark) {
            Waiting next = waiting.poll();
            KeyState state;
            if (next.held) {
                state = keys.find(next.handle);
                state.waitingEvents--;
            } else {
                unheld--;
                state = keys.get(next.handle);
                if (state == null) {
                    if (startsNothing(next.event, true)) {
                        continue;   // as on arrival: the key holds nothing, and this event starts nothing
                    }
                    state = newState(next.handle);
                }
            }
            long timestamp = next.event.timestamp();
            current = state;
            if (state.advancedTo != timestamp) {
                matcher.advanceTime(state.partialMatches, timestamp, this);
                state.advancedTo = timestamp;
            }
            if (windows != null) {
                windows.enter(state.key, next.event, timestamp);
            }
            matcher.process(state.partialMatches, next.event, timestamp, this);
            if (windows != null) {
                windows.leave();
            }
            if (state.round != round) {
                if (!matcher.isIdle(state.partialMatches)) {
                    state.round = round;
                    touched.add(state);
                } else if (state.round != ~round) {
                    state.round = ~round;   // touched, but holding nothing yet: see idleTouched
                    idleTouched.add(state);
                }
            }
        }
        for (int i = 0; i < touched.size(); i++) {
            KeyState state = touched.get(i);
            current = state;
            matcher.advanceTime(state.partialMatches, newWatermark, this);
            state.advancedTo = newWatermark;
            settle(state);
        }
        touched.clear();
        for (int i = 0; i < idleTouched.size(); i++) {
            KeyState state = idleTouched.get(i);
            if (state.round == ~round) {   // no later event of this round left it holding partial matches
                state.round = round;
                current = state;
                matcher.advanceTime(state.partialMatches, newWatermark, this);
                state.advancedTo = newWatermark;
                settle(state);
            }
        }
        idleTouched.clear();
        fireTimers(newWatermark);
        long due = Long.MAX_VALUE;
        if (!waiting.isEmpty()) {
            due = waiting.peek().event.timestamp();
        }
        if (!timers.isEmpty()) {
            due = Math.min(due, timers.peek().deadline);
        }
        earliestDue = due;
    }

    /** Something is queued that is due at {@code time}. */
    private void due(long time) {
        if (time < earliestDue) {
            earliestDue = time;
        }
    }

    /** Advances every key whose deadline is at or below {@code time} (processing time uses this directly). */
    public void fireTimers(long time) {
        while (!timers.isEmpty() && timers.peek().deadline <= time) {
            Timer timer = timers.poll();
            KeyState state = timer.handle == null ? null : keys.find(timer.handle);
            if (state == null) {
                continue;
            }
            if (state.incarnation != timer.incarnation) {   // stale: set for a state of the key since removed
                keys.release(state);
                continue;
            }
            if (state.scheduledDeadline == timer.deadline) {
                state.scheduledDeadline = Long.MAX_VALUE;
            }
            current = state;
            if (matcher.nextDeadline(state.partialMatches) <= time) {
                matcher.advanceTime(state.partialMatches, time, this);
                state.advancedTo = time;
            }
            settle(state);
        }
        evaluationErrors += EvaluationErrors.drain();   // conditions and EMIT values evaluated since the last drain
        keepWithinBound();
        suppression.forgetExpired(time, holdsState);
        if (windows != null) {
            windows.forgetExpired(time);
        }
    }

    /** Whether the key has a state in the store (partial matches or waiting events); reads it and lets it be. */
    private boolean holdsState(Object key) {
        KeyState state = keys.get(key);
        if (state == null) {
            return false;
        }
        keys.release(state);
        return true;
    }

    /**
     * Evicts while more keys hold partial matches than the rule's bound allows; clears the timer queue of stale
     * timers once they are most of it.
     */
    private void keepWithinBound() {
        while (keys.holders() > budget.maxPerRule() && evictOldest()) {
            // one key per turn, oldest first
        }
        if (staleTimers > MIN_STALE_TIMERS && staleTimers > timers.size() / 2) {
            timers.removeIf(timer -> timer.handle == null || !keys.holds(timer.handle, timer.incarnation));
            staleTimers = 0;
        }
    }

    /**
     * Evicts the key that has held partial matches the longest: they are dropped, counted (in
     * {@code droppedPartialMatches} and {@code evictedKeys}) and reported ({@link EngineListener#onKeyEvicted}).
     * Its events still waiting for the watermark stay, and are matched when released as the events of a key with no
     * history. False when no key holds partial matches. Not during an engine call (the engine calls it between).
     */
    public boolean evictOldest() {
        KeyState state = keys.oldestHolder();
        if (state == null) {
            return false;
        }
        int lost = matcher.partialMatchCount(state.partialMatches);
        evictedKeys++;
        dropped += lost;
        listener.onKeyEvicted(rule.name(), PartitionKey.external(state.key), lost);
        if (state.waitingEvents == 0) {
            remove(state);
            state.partialMatches = null;   // a stale timer keeps the state, not its dropped matches
        } else {
            state.partialMatches = matcher.newState();
            state.scheduledDeadline = Long.MAX_VALUE;   // a timer set for the dropped matches finds nothing due
            keys.put(state);
        }
        return true;
    }

    /** Forgets the key, counting the timer it leaves behind. */
    private void remove(KeyState state) {
        if (state.scheduledDeadline != Long.MAX_VALUE) {
            staleTimers++;
        }
        keys.remove(state);
    }

    /** The keys holding partial matches now. */
    public int keysHoldingMatches() {
        return keys.holders();
    }

    /** Timers in the queue, stale ones included (for tests of the queue's bound). */
    int queuedTimers() {
        return timers.size();
    }

    /**
     * Hot replacement that drops state ({@link dev.vigil.nfa.state.Replacement}): moves the events still waiting for
     * the watermark to {@code successor}, in (timestamp, arrival) order, keeping those of the streams it reads, and
     * counts this runtime's partial matches in the successor's {@code partialMatchesDroppedOnReplace}. This runtime
     * is left without waiting events and is not used again: its key states are discarded ({@link #discard}).
     */
    public void handOverWaitingTo(RuleRuntime successor) {
        unskip();
        successor.countDroppedOnReplace(keys.partialMatchCount());
        successor.suppression.takeOver(suppression);
        if (windows != null && successor.windows != null && successor.rule.streams().equals(rule.streams())) {
            successor.windows.takeOver(windows);   // the same streams' events: the same window events
        }
        List<String> streams = successor.rule.streams();
        while (!waiting.isEmpty()) {
            Waiting next = waiting.poll();
            if (streams.contains(next.event.stream())) {
                successor.buffer(next.event);
            }
        }
        discard();
    }

    /**
     * Hot replacement that keeps state ({@link dev.vigil.nfa.state.Replacement}): this runtime, fresh, takes over
     * everything {@code predecessor} holds, as a restore from its snapshot would: the key store with every key's
     * partial matches, the events waiting for the watermark, the timers, the watermark, the release round and the
     * counters. The store changes hands, so this costs nothing per key; {@code predecessor} is not used again.
     *
     * <p>Sound only when the two versions have the same {@code RuleShape}: partial matches hold state and variable
     * numbers, which then mean the same states and variables, and conditions that built them are the same. The
     * store keeps the predecessor's matcher, which it uses only to count partial matches by the kind of their state.
     */
    public void takeOver(RuleRuntime predecessor) {
        if (keys.size() != 0 || !waiting.isEmpty() || !timers.isEmpty() || skipped.size() != 0) {
            throw new IllegalStateException("rule " + rule.name() + " already has state");
        }
        keys.clear();   // empty: only so that the engine's key presence forgets it
        share.retire();
        keys = predecessor.keys;
        share = predecessor.share;
        share.passTo(this);
        earliestDue = Long.MIN_VALUE;   // the predecessor's queues: unknown until the next advance
        waiting = predecessor.waiting;
        unheld = predecessor.unheld;
        timers = predecessor.timers;
        for (int i = 0; i < predecessor.skipped.size(); i++) {
            skipped.add(predecessor.skipped.event(i), predecessor.skipped.key(i), predecessor.skipped.arrival(i));
        }
        maxKeys = predecessor.maxKeys;
        incarnations = predecessor.incarnations;
        staleTimers = predecessor.staleTimers;
        round = predecessor.round;
        arrivals = predecessor.arrivals;
        watermark = predecessor.watermark;
        eventsIn = predecessor.eventsIn;
        matches = predecessor.matches;
        timeouts = predecessor.timeouts;
        dropped = predecessor.dropped;
        workBoundTrips = predecessor.workBoundTrips;
        evictedKeys = predecessor.evictedKeys;
        evaluationErrors = predecessor.evaluationErrors;
        droppedOnReplace = predecessor.droppedOnReplace;
        suppression.takeOver(predecessor.suppression);
        suppression.suppressed = predecessor.suppression.suppressed;
        if (windows != null && predecessor.windows != null) {
            windows.takeOver(predecessor.windows);
        }
        predecessor.keys = null;   // used again, it would fail at once rather than corrupt the successor's state
        predecessor.waiting = null;
        predecessor.timers = null;
        predecessor.share = null;
    }

    /** Counts partial matches a replaced version of the rule held that this version does not have. */
    public void countDroppedOnReplace(long partialMatches) {
        droppedOnReplace += partialMatches;
    }

    /** Forgets every key state, waiting event and timer: the rule was removed (frees the key store's keys). */
    public void discard() {
        skipped.clear();
        waiting.clear();
        unheld = 0;
        timers.clear();
        staleTimers = 0;
        keys.clear();
        suppression.clear();
        if (windows != null) {
            windows.clear();
        }
        share.retire();
    }

    public RuleCounters counters() {
        return new RuleCounters(rule.name(), eventsIn, matches, timeouts, keys.partialMatchCount(), keys.size(),
                dropped, workBoundTrips, evaluationErrors, evictedKeys, droppedOnReplace, suppression.suppressed,
                windows == null ? 0 : windows.evicted);
    }

    private KeyState stateOf(Object key) {
        KeyState state = keys.get(key);
        return state != null ? state : newState(key);
    }

    private KeyState newState(Object key) {
        KeyState state = new KeyState(key, matcher.newState(), ++incarnations);
        keys.add(state);
        if (keys.size() > maxKeys) {
            maxKeys = keys.size();
        }
        return state;
    }

    /** Re-arms the key's timer, or forgets the key when it holds nothing. */
    private void settle(KeyState state) {
        if (state.waitingEvents == 0 && matcher.isIdle(state.partialMatches)) {
            remove(state);
            return;
        }
        long deadline = matcher.nextDeadline(state.partialMatches);
        if (deadline != Long.MAX_VALUE && deadline < state.scheduledDeadline) {
            state.scheduledDeadline = deadline;
            timers.add(new Timer(deadline, keys.handle(state), state.incarnation, arrivals++));
            due(deadline);
        }
        keys.put(state);
    }

    @Override
    public void onMatch(MatchedEvents match) {
        if (!suppression.admit(current.key, match.lastTimestamp())) {
            return;
        }
        matches++;
        listener.onAlert(alerts.match(current.key, match));
    }

    @Override
    public void onTimeout(MatchedEvents partial, long timeoutTimestamp) {
        if (rule.reportsTimeouts() && suppression.admit(current.key, timeoutTimestamp)) {
            timeouts++;
            listener.onAlert(alerts.timeout(current.key, partial, timeoutTimestamp));
        }
    }

    @Override
    public boolean wantsTimeouts() {
        return rule.reportsTimeouts();
    }

    @Override
    public void onPartialMatchesDropped(int count) {
        dropped += count;
        listener.onPartialMatchesDropped(rule.name(), PartitionKey.external(current.key), count);
    }

    @Override
    public void onWorkBoundExceeded(int count) {
        dropped += count;
        workBoundTrips++;
        listener.onWorkBoundExceeded(rule.name(), PartitionKey.external(current.key), count);
    }

    /** Records whether an event fed to the trial state reported anything. */
    private static final class TrialOutput implements MatchOutput {
        boolean reported;

        @Override
        public void onMatch(MatchedEvents match) {
            reported = true;
        }

        @Override
        public void onTimeout(MatchedEvents partial, long timeoutTimestamp) {
            reported = true;
        }

        @Override
        public void onPartialMatchesDropped(int count) {
            reported = true;
        }
    }

    /**
     * An event waiting for the watermark, with the {@link KeyStateStore#handle} of its key's state; by timestamp, then
     * arrival. An event that arrived at a key holding nothing and starts nothing there, while an event of the key may
     * still come before it (the watermark is behind), is not {@code held}: its handle is then the key itself, and no
     * state is made or written for it. At its release it finds the key's state as the events before it left it (or
     * none, and is dropped as it would have been on arrival: it starts nothing).
     */
    record Waiting(Event event, Object handle, long arrival, boolean held) implements Comparable<Waiting> {
        Waiting(Event event, Object handle, long arrival) {
            this(event, handle, arrival, true);
        }

        /** The key the event waits for. */
        Object key(KeyStateStore keys) {
            return held ? keys.keyOf(handle) : handle;
        }

        @Override
        public int compareTo(Waiting other) {
            int byTime = Long.compare(event.timestamp(), other.event.timestamp());
            return byTime != 0 ? byTime : Long.compare(arrival, other.arrival);
        }
    }

    /**
     * A key to visit when the watermark reaches {@code deadline}, if its state ({@link KeyStateStore#handle}) is still
     * of {@code incarnation}; ties in scheduling order. A restored stale timer has a null handle.
     */
    record Timer(long deadline, Object handle, long incarnation, long order) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(deadline, other.deadline);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}

package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventTime;
import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/*
 * Matcher runs an Nfa over one key's events exactly as Flink CEP 1.20's NFA does (NFA.process and
 * NFA.advanceTime), so that it yields the same matches, in the same order, and the same timeouts.
 *
 * Algorithm. A key's state is a set of runs (Flink: computation states), each waiting at an NFA state with a
 * pointer into the key's SharedBuffer and a Dewey version. process(event): every run, in the array order of
 * the run heap, is stepped by the Stepper: the edges the event enables are found depth-first through PROCEED
 * edges; each TAKE binds the event in the buffer and yields a run at the target (plus a run at the final
 * state when the target can PROCEED there), each IGNORE yields a run at its target; Dewey versions are
 * numbered as Flink numbers them, so a run extracts exactly its own events from the shared paths. The start
 * run always survives. Runs reaching the final state become completed matches; a run reaching a STOP state
 * (a negated event) discards every successor of the run it came from. Completed matches are emitted in the
 * heap order of their first event; with a skip strategy a match waits while an earlier-starting partial match
 * is alive (FLINK-15873), and each emitted match prunes partial and completed matches per the strategy.
 * advanceTime(t) drops runs whose WITHIN (first event + window) or per-state gap window (last event + gap)
 * has passed, reporting them as timeouts, except PENDING runs (a trailing notFollowedBy) which complete as
 * matches; then held matches are released as above.
 *
 * Invariants. Runs and completed matches live in RunQueues that replicate java.util.PriorityQueue, because
 * Flink iterates its PriorityQueues in array order and runs with the same first event tie: the heap layout
 * decides their order, and reproducing it reproduces Flink's order of simultaneous matches. Buffer reference
 * counts mirror Flink's (lock on every run created, release on every run dropped), so extraction sees the
 * same edges.
 *
 * Time (Flink's CepOperator in event time). Before the events of each timestamp, Flink calls advanceTime
 * with that timestamp, then process for each event, and after the batch advanceTime with the watermark. It
 * has a timer per key at each buffered event's timestamp and, when a process call started a new run and the
 * rule has a WITHIN, at that timestamp + WITHIN; the watermark passing a timer triggers the batch. This class
 * records those window timers: nextDeadline is the earliest unfired one, so a runtime that calls
 * advanceTime(watermark) when the watermark reaches nextDeadline (and around every event batch) drives it
 * exactly like Flink. Per-event gap windows have no timer of their own in Flink: they are only noticed when
 * some other timer fires or an event arrives, and the same holds here.
 *
 * Complexity. A step costs O(edges enabled) per run plus O(depth) buffer work for each released run; memory
 * per key is O(runs + events still referenced). Emitting a match or a timeout materialises its events; a
 * condition that reads the partial match materialises the run's events once per step.
 *
 * References: Agrawal et al., "Efficient Pattern Matching over Event Streams" (SASE+, SIGMOD 2008); Flink
 * CEP NFA, NFACompiler, SharedBufferAccessor, AfterMatchSkipStrategy, CepOperator (release 1.20).
 */

/**
 * Runs a compiled {@link Nfa} per key: stateless and shared by every key and thread; each key's state is a
 * {@link PartialMatches}. Equivalent to Flink CEP 1.20's {@code NFA}.
 */
public final class Matcher {
    private static final Comparator<Run> OLDEST_FIRST =
            Comparator.comparingLong((Run run) -> run.startTs()).thenComparingLong(run -> run.serial);

    private final Nfa nfa;
    private final int maxPartialMatches;
    private final long maxWork;
    private final SkipPruner pruner;
    private final StartRuns startRuns;
    private final ThreadLocal<Stepper> steppers;
    private Stepper lastStepper;
    /** The kind of each state, by state number: read for every run of every step. */
    private final Nfa.Kind[] kinds;
    /** Whether {@link #takesFromStart} can decide from the start guards alone (none of them reads the match). */
    private final boolean screensStarts;

    /**
     * A matcher without a work bound.
     *
     * @param maxPartialMatches the most partial matches a key may hold; beyond it the oldest are dropped
     */
    public Matcher(Nfa nfa, int maxPartialMatches) {
        this(nfa, maxPartialMatches, Long.MAX_VALUE);
    }

    /**
     * @param maxPartialMatches the most partial matches a key may hold; beyond it the oldest are dropped
     * @param maxWork the most work ({@link WorkMeter}) one call may do on one key; beyond it the key's partial
     *     matches are all dropped (see {@link #process})
     */
    public Matcher(Nfa nfa, int maxPartialMatches, long maxWork) {
        this.nfa = Objects.requireNonNull(nfa, "nfa");
        if (maxPartialMatches < 1) {
            throw new IllegalArgumentException("maxPartialMatches " + maxPartialMatches + " is below 1");
        }
        if (maxWork < 1) {
            throw new IllegalArgumentException("maxWork " + maxWork + " is below 1");
        }
        if (nfa.variables().size() > SharedBuffer.MAX_VARIABLES) {
            throw new IllegalArgumentException(nfa.variables().size() + " pattern variables, more than "
                    + SharedBuffer.MAX_VARIABLES);
        }
        this.maxPartialMatches = maxPartialMatches;
        this.maxWork = maxWork;
        this.pruner = new SkipPruner(nfa.skip(), nfa.skipVariable());
        this.startRuns = new StartRuns(nfa.startState());
        this.steppers = ThreadLocal.withInitial(() -> new Stepper(nfa, startRuns));
        this.kinds = new Nfa.Kind[nfa.states().size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = nfa.state(i).kind();
        }
        this.screensStarts = !startGuardsReadMatch(nfa);
    }

    /** Whether a guard out of the start state, or out of a state PROCEED edges lead to from it, reads the match. */
    private static boolean startGuardsReadMatch(Nfa nfa) {
        boolean[] seen = new boolean[nfa.states().size()];
        ArrayList<Integer> open = new ArrayList<>(List.of(nfa.startState()));
        seen[nfa.startState()] = true;
        while (!open.isEmpty()) {
            for (Nfa.Edge edge : nfa.state(open.remove(open.size() - 1)).edges()) {
                if (edge.guard().readsMatch()) {
                    return true;
                }
                if (edge.action() == Nfa.Action.PROCEED && !seen[edge.target()]) {
                    seen[edge.target()] = true;
                    open.add(edge.target());
                }
            }
        }
        return false;
    }

    public Nfa nfa() {
        return nfa;
    }

    /**
     * This thread's stepper. A matcher is usually driven by one thread: the last stepper handed out is tried
     * first, which spares a thread-local lookup per step; it is used only by the thread that owns it.
     */
    private Stepper stepper() {
        Stepper last = lastStepper;
        if (last != null && last.owner == Thread.currentThread()) {
            return last;
        }
        last = steppers.get();
        lastStepper = last;
        return last;
    }

    /** A fresh key state: only the start run (Flink's {@code createInitialNFAState}). */
    public PartialMatches newState() {
        PartialMatches state = new PartialMatches();
        state.runs.add(startRuns.first());
        return state;
    }

    /**
     * Whether {@link #takesFromStart} decides what an event does to a key holding only the start run: none of the
     * guards it evaluates reads the partial match.
     */
    public boolean screensStarts() {
        return screensStarts;
    }

    /**
     * Whether {@code event} enables a TAKE edge out of the start state. Fed to a key holding only the start run,
     * an event that enables none leaves the key as idle as before and reports nothing: stepping the start run
     * yields the start run alone unless a TAKE holds, and every match, timeout and dropped partial match follows
     * a TAKE. The guards' evaluation errors are left for the caller to drain, as after {@link #process}.
     * Only for matchers that {@link #screensStarts}.
     */
    public boolean takesFromStart(Event event) {
        if (!screensStarts) {
            throw new IllegalStateException("the start guards read the partial match");
        }
        return stepper().takesFromStart(event);
    }

    /**
     * Feeds one event (Flink's {@code NFA.process} followed by the operator's window-timer registration).
     *
     * <p>Work bound: when the call does more work on the key than the matcher's bound ({@link WorkMeter}), the key
     * drops every partial match and held match it has (reported through
     * {@link MatchOutput#onWorkBoundExceeded}; the matches this event completed go with them), and the event then
     * meets the emptied key, where it may start a partial match. Dropping them all at once costs nothing per run,
     * where releasing them one by one would cost as much as stepping them.
     */
    public void process(PartialMatches state, Event event, long timestamp, MatchOutput out) {
        if (!processWithinBound(state, event, timestamp, out)) {
            // Only the start run now, so a few units; should a tiny bound trip again, the key just stays empty.
            processWithinBound(state, event, timestamp, out);
        }
    }

    /** {@link #process}; false when the work bound tripped: the key was emptied, nothing else emitted. */
    private boolean processWithinBound(PartialMatches state, Event event, long timestamp, MatchOutput out) {
        Stepper stepper = stepper();
        stepper.begin(state, event, timestamp);
        WorkMeter work = stepper.work;
        RunQueue current = state.runs;
        RunQueue next = stepper.spare;
        next.clear();
        RunQueue potential = stepper.potential;
        potential.clear();
        for (int i = 0; i < current.size(); i++) {
            Run run = current.get(i);
            stepper.step(run);
            boolean fromStart = kinds[run.state] == Nfa.Kind.START;
            boolean discard = false;
            List<Run> retained = stepper.retained;
            retained.clear();
            for (int j = 0; j < stepper.successors.size(); j++) {
                Run successor = stepper.successors.get(j);
                if (fromStart && successor.startTs() > 0) {
                    state.newStart = true;
                }
                Nfa.Kind kind = kinds[successor.state];
                if (kind == Nfa.Kind.FINAL) {
                    potential.add(successor);
                } else if (kind == Nfa.Kind.STOP) {
                    discard = true;
                    work.used += state.release(successor.node, successor.version);
                } else {
                    retained.add(successor);
                }
            }
            for (int j = 0; j < retained.size(); j++) {
                Run kept = retained.get(j);
                if (discard) {
                    work.used += state.release(kept.node, kept.version);
                } else {
                    next.add(kept);
                }
            }
            if (work.used > maxWork) {
                return dropAll(state, stepper, out);
            }
        }
        List<MatchedEvents> matches = completeMatches(state, potential, next, work);
        if (matches == OVER_BOUND) {
            return dropAll(state, stepper, out);
        }
        replaceRuns(state, next, stepper);
        stepper.end();
        if (nfa.windowMs() > 0 && state.newStart) {
            state.addTimer(EventTime.plus(timestamp, nfa.windowMs()));
        }
        int dropped = enforceBound(state, work);
        if (dropped < 0) {
            return dropAll(state, stepper, out);
        }
        emit(matches, out);
        if (dropped > 0) {
            out.onPartialMatchesDropped(dropped);
        }
        return true;
    }

    /**
     * The work bound tripped: drops every partial match and held match of the key at once and reports how many;
     * returns false.
     */
    private boolean dropAll(PartialMatches state, Stepper stepper, MatchOutput out) {
        int dropped = partialMatchCount(state) + state.completed.size();
        stepper.abandon();
        state.dropAll(startRuns.first());
        out.onWorkBoundExceeded(dropped);
        return false;
    }

    /**
     * Tells the key that no event older than {@code timestamp} will come (Flink's {@code NFA.advanceTime}):
     * times out runs past their windows, completes trailing absences, releases held matches. Past the work bound
     * the key drops everything as in {@link #process}, and the timeouts and matches of the call go with it.
     */
    public void advanceTime(PartialMatches state, long timestamp, MatchOutput out) {
        if (state.completed.size() == 0 && !anyRunDue(state.runs, timestamp)) {
            // Nothing to time out or complete, and no held match to release: the runs would be queued again in
            // array order, which rebuilds the same heap, so only the timers and the new-start flag change.
            state.fireTimersUpTo(timestamp);
            state.newStart = false;
            return;
        }
        Stepper stepper = stepper();
        WorkMeter work = stepper.work;
        work.used = 0;
        RunQueue current = state.runs;
        RunQueue next = stepper.spare;
        next.clear();
        RunQueue potential = stepper.potential;
        potential.clear();
        List<MatchedEvents> timedOut = null;
        long[] timeoutTimestamps = null;
        for (int i = 0; i < current.size(); i++) {
            Run run = current.get(i);
            work.used++;
            if (work.used > maxWork) {
                break;
            }
            boolean byGap = pastGap(run, timestamp);
            if (!byGap && !pastWindow(run, timestamp)) {
                next.add(run);
                continue;
            }
            if (kinds[run.state] == Nfa.Kind.PENDING) {
                potential.add(run);
                continue;
            }
            if (!out.wantsTimeouts()) {
                work.used += state.release(run.node, run.version);
                continue;
            }
            if (timedOut == null) {
                timedOut = new ArrayList<>();
                timeoutTimestamps = new long[current.size()];
            }
            timeoutTimestamps[timedOut.size()] = byGap ? EventTime.plus(run.previousTs(),
                    nfa.state(run.state).gapWindowMs()) : EventTime.plus(run.startTs(), nfa.windowMs());
            timedOut.add(Materializer.current(state, nfa.variables(), run, work));
            work.used += state.release(run.node, run.version);
        }
        List<MatchedEvents> matches = work.used > maxWork ? OVER_BOUND : completeMatches(state, potential, next, work);
        if (matches == OVER_BOUND) {
            dropAll(state, stepper, out);
            state.fireTimersUpTo(timestamp);
            state.newStart = false;
            return;
        }
        replaceRuns(state, next, stepper);
        state.fireTimersUpTo(timestamp);
        state.newStart = false;
        emit(matches, out);
        if (timedOut != null) {
            for (int i = 0; i < timedOut.size(); i++) {
                out.onTimeout(timedOut.get(i), timeoutTimestamps[i]);
            }
        }
    }

    /** Whether a run's window or gap window has passed at {@code timestamp} (the runs advanceTime takes out). */
    private boolean anyRunDue(RunQueue runs, long timestamp) {
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            if (pastGap(run, timestamp) || pastWindow(run, timestamp)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the run's gap window (its last event + its state's gap) has passed; never for the start run. */
    private boolean pastGap(Run run, long timestamp) {
        long gap = nfa.state(run.state).gapWindowMs();
        return gap > 0 && kinds[run.state] != Nfa.Kind.START
                && reached(timestamp, EventTime.plus(run.previousTs(), gap));
    }

    /** Whether the run's window (its first event + WITHIN) has passed; never for the start run. */
    private boolean pastWindow(Run run, long timestamp) {
        long window = nfa.windowMs();
        return window > 0 && kinds[run.state] != Nfa.Kind.START
                && reached(timestamp, EventTime.plus(run.startTs(), window));
    }

    /**
     * Whether time has reached a deadline. Flink tests {@code timestamp - start >= window}, which wraps around for
     * times near the ends of {@code long} (the end of input, {@code Long.MAX_VALUE}, minus a first event before
     * 1970); a deadline saturated by {@link EventTime#plus} is the same test wherever that difference fits. A
     * deadline of {@code Long.MAX_VALUE} lies beyond the range of {@code long}: it is never reached, not even by the
     * end of input, as no timer is ever set for it ({@link #nextDeadline}), like a rule without a window.
     */
    private static boolean reached(long timestamp, long deadline) {
        return deadline != Long.MAX_VALUE && timestamp >= deadline;
    }

    /**
     * The earliest timestamp at which Flink's operator would call {@code advanceTime} for this key without a
     * new event (its next window timer), or {@link Long#MAX_VALUE}. For rules without a per-event gap window,
     * {@code advanceTime(state, t)} with {@code t} below it changes nothing.
     */
    public long nextDeadline(PartialMatches state) {
        return isIdle(state) ? Long.MAX_VALUE : state.firstTimer();
    }

    /**
     * Runs held by the key other than the start run. Counted once after each change: a key store asks on every
     * write, also when only the key's waiting events changed.
     */
    public int partialMatchCount(PartialMatches state) {
        if (state.heldRuns >= 0) {
            return state.heldRuns;
        }
        int count = 0;
        for (int i = 0; i < state.runs.size(); i++) {
            if (kinds[state.runs.get(i).state] != Nfa.Kind.START) {
                count++;
            }
        }
        state.heldRuns = count;
        return count;
    }

    /** Only the start run left and nothing buffered: the caller may forget the key. */
    public boolean isIdle(PartialMatches state) {
        return state.runs.size() == 1 && kinds[state.runs.get(0).state] == Nfa.Kind.START
                && state.completed.size() == 0 && state.isEmpty();
    }

    private static void emit(List<MatchedEvents> matches, MatchOutput out) {
        if (matches != null) {
            for (int i = 0; i < matches.size(); i++) {
                out.onMatch(matches.get(i));
            }
        }
    }

    /** What {@link #completeMatches} returns when the work bound tripped on the way. */
    private static final List<MatchedEvents> OVER_BOUND = java.util.Collections.unmodifiableList(new ArrayList<>());

    /**
     * Flink's processMatchesAccordingToSkipStrategy; returns the released matches in order, or null, or
     * {@link #OVER_BOUND}.
     */
    private List<MatchedEvents> completeMatches(PartialMatches state, RunQueue potential, RunQueue partial,
            WorkMeter work) {
        List<MatchedEvents> matches = null;
        RunQueue completed = potential.size() == 0 ? state.completed : state.completedToAdd();
        for (int i = 0; i < potential.size(); i++) {
            completed.add(potential.get(i));
        }
        Run earliest;
        while ((earliest = completed.peek()) != null) {
            if (pruner.skips()) {
                Run earliestPartial = partial.peek();
                if (earliestPartial != null && Run.compare(earliest, earliestPartial) > 0) {
                    break;
                }
            }
            completed.poll();
            List<SharedBuffer.Node[]> paths = state.extract(earliest.node, earliest.version);
            if (paths.isEmpty()) {
                throw new IllegalStateException("completed match without events: " + earliest);
            }
            work.used += SharedBuffer.extractionWork(paths);
            pruner.prune(partial, paths, state, work);
            pruner.prune(completed, paths, state, work);
            if (matches == null) {
                matches = new ArrayList<>(2);
            }
            matches.add(MatchedEvents.of(nfa.variables(), paths.get(0)));
            work.used += state.release(earliest.node, earliest.version);
            if (work.used > maxWork) {
                return OVER_BOUND;
            }
        }
        return matches;
    }

    /**
     * Drops the oldest partial matches (by first event time, then creation) beyond the bound; returns how many, or
     * -1 when the work bound tripped on the way.
     */
    private int enforceBound(PartialMatches state, WorkMeter work) {
        int count = partialMatchCount(state);
        if (count <= maxPartialMatches) {
            return 0;
        }
        List<Run> candidates = new ArrayList<>(count);
        for (int i = 0; i < state.runs.size(); i++) {
            Run run = state.runs.get(i);
            if (kinds[run.state] != Nfa.Kind.START) {
                candidates.add(run);
            }
        }
        candidates.sort(OLDEST_FIRST);
        List<Run> dropped = candidates.subList(0, count - maxPartialMatches);
        work.used += state.runs.size();
        for (int i = 0; i < dropped.size(); i++) {
            Run run = dropped.get(i);
            work.used += 1 + state.release(run.node, run.version);
            if (work.used > maxWork) {
                return -1;
            }
        }
        state.dropRuns(dropped);
        return dropped.size();
    }

    /** Ends a pass over the key's runs: {@code next} become its runs, the old queue the stepper's spare. */
    private static void replaceRuns(PartialMatches state, RunQueue next, Stepper stepper) {
        stepper.potential.clear();
        RunQueue previous = state.replaceRuns(next);
        previous.clear();
        stepper.spare = previous;
    }
}

package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.MatchView;
import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Advances one run by one event (Flink's {@code NFA.computeNextStates}): finds the TAKE and IGNORE edges the
 * event enables (following PROCEED edges as epsilon moves), creates the successor runs with Flink's Dewey
 * versions, binds taken events in the shared buffer, and releases the old run. Holds the scratch space of
 * one {@code process} call; one instance per thread, reused.
 */
final class Stepper {
    private final Nfa nfa;
    /** The thread this stepper was made for (steppers are per thread). */
    final Thread owner = Thread.currentThread();
    /** Successor runs of the run just stepped. */
    final List<Run> successors = new ArrayList<>();
    /** Successors kept by the current process call, in Flink's order (see {@link Matcher}). */
    final List<Run> retained = new ArrayList<>();
    final RunQueue potential = new RunQueue();
    RunQueue spare = new RunQueue();
    /** The work of the current call on its key, against the work bound ({@link Matcher}). */
    final WorkMeter work = new WorkMeter();

    private int[] edgeSource = new int[8];
    private int[] edgeIndex = new int[8];
    private int edgeCount;
    private int[] stack = new int[8];
    private int[] proceedStack = new int[4];

    private PartialMatches key;
    private Event event;
    private long timestamp;
    private SharedBuffer.Entry entry;
    /** The stepper's one view of the run being stepped, or null when no condition reads the partial match. */
    private final RunView sharedView;
    private RunView view;

    private final StartRuns startRuns;

    Stepper(Nfa nfa, StartRuns startRuns) {
        this.nfa = nfa;
        this.startRuns = startRuns;
        this.sharedView = nfa.readsMatch() ? new RunView(nfa.variables(), work) : null;
    }

    void begin(PartialMatches state, Event current, long eventTimestamp) {
        key = state;
        event = current;
        timestamp = eventTimestamp;
        entry = null;
        work.used = 0;
        view = sharedView;
        if (view != null) {
            view.attach(state);
        }
    }

    /**
     * Ends the process call without touching the key: its runs and buffer were dropped wholesale (the work bound
     * tripped), so the event's entry is not released, and the successors made so far are forgotten.
     */
    void abandon() {
        successors.clear();
        retained.clear();
        potential.clear();
        spare.clear();
        key = null;
        event = null;
        entry = null;
        view = null;
    }

    /** Ends the process call: the event's own lock on its buffer entry is released (Flink's EventWrapper). */
    void end() {
        if (entry != null) {
            key.release(entry);
        }
        key = null;
        event = null;
        entry = null;
        view = null;
    }

    private SharedBuffer.Entry entry() {
        if (entry == null) {
            entry = key.register(event, timestamp);
        }
        return entry;
    }

    /**
     * Whether {@code candidate} enables a TAKE edge out of the start state (through PROCEED edges), evaluating
     * the guards exactly as stepping the start run would; for NFAs whose start guards do not read the match.
     */
    boolean takesFromStart(Event candidate) {
        event = candidate;
        int takes = collectEdges(nfa.startState(), MatchView.EMPTY);
        event = null;
        return takes > 0;
    }

    /** Fills {@link #successors} with the runs that follow {@code run} on the current event. */
    void step(Run run) {
        successors.clear();
        work.used++;
        MatchView match = MatchView.EMPTY;
        if (view != null) {
            view.reset(run);
            match = view;
        }
        int takes = collectEdges(run.state, match);
        int ignores = ignoreCount(run.state);
        boolean fromStart = nfa.state(run.state).kind() == Nfa.Kind.START;
        int takeBranchesToVisit = Math.max(0, takes - 1);
        int ignoreBranchesToVisit = ignores;
        int takesToSkip = Math.max(0, takes - 1);
        boolean kept = false;
        for (int i = 0; i < edgeCount; i++) {
            Nfa.State source = nfa.state(edgeSource[i]);
            Nfa.Edge edge = source.edges().get(edgeIndex[i]);
            if (edge.action() == Nfa.Action.IGNORE) {
                if (fromStart) {
                    continue;
                }
                int[] version;
                if (edge.target() == run.state) {
                    int increase = selfIncrease(ignores, takes);
                    if (increase == 0 && !kept) {
                        // The event passes the run by: its successor would equal it (versions are immutable), so
                        // it stays, keeping its lock on the buffer and its creation serial. Only once: a second
                        // such edge makes a run of its own, with its own lock, as Flink does.
                        successors.add(run);
                        kept = true;
                        continue;
                    }
                    version = Dewey.increase(run.version, increase);
                } else {
                    version = Dewey.addStage(Dewey.increase(run.version, takesToSkip + ignoreBranchesToVisit));
                    ignoreBranchesToVisit--;
                }
                add(edge.target(), run.node, version, run.startEvent);
            } else {
                int[] currentVersion = Dewey.increase(run.version, takeBranchesToVisit);
                int[] nextVersion = Dewey.addStage(currentVersion);
                takeBranchesToVisit--;
                SharedBuffer.Entry taken = entry();
                if (run.node != null) {
                    work.used += run.node.edgeCount();   // put locks the run's node
                }
                SharedBuffer.Node node = key.put(source.variable(), taken, run.node, currentVersion);
                SharedBuffer.Entry startEvent = fromStart ? taken : run.startEvent;
                add(edge.target(), node, nextVersion, startEvent);
                int finalState = finalAfterProceed(edge.target(), match);
                if (finalState >= 0) {
                    add(finalState, node, nextVersion, startEvent);
                }
            }
        }
        if (fromStart) {
            int increase = selfIncrease(ignores, takes);
            if (increase == 0) {
                // Nothing left the start state: it stays as it was (versions are immutable), so keep the run.
                successors.add(run);
            } else {
                successors.add(startRuns.next(run, increase));
            }
        }
        if (run.node != null && !kept) {
            work.used += key.release(run.node, run.version);
        }
    }

    private void add(int state, SharedBuffer.Node node, int[] version, SharedBuffer.Entry startEvent) {
        successors.add(new Run(state, node, version, startEvent, key.nextSerial()));
        work.used += 1 + key.lock(node, version);
    }

    /** Flink's calculateIncreasingSelfState. */
    private static int selfIncrease(int ignores, int takes) {
        return takes == 0 && ignores == 0 ? 0 : ignores + Math.max(1, takes);
    }

    /**
     * Flink's createDecisionGraph: depth-first from the run's state, PROCEED edges explored (last pushed
     * first), enabled TAKE/IGNORE edges collected in visiting order. Returns the number of TAKE edges.
     */
    private int collectEdges(int state, MatchView match) {
        edgeCount = 0;
        int takes = 0;
        int top = 0;
        stack[top++] = state;
        while (top > 0) {
            int current = stack[--top];
            List<Nfa.Edge> edges = nfa.state(current).edges();
            for (int i = 0; i < edges.size(); i++) {
                Nfa.Edge edge = edges.get(i);
                if (!edge.guard().test(event, match)) {
                    continue;
                }
                if (edge.action() == Nfa.Action.PROCEED) {
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                    }
                    stack[top++] = edge.target();
                } else {
                    if (edgeCount == edgeSource.length) {
                        edgeSource = Arrays.copyOf(edgeSource, edgeCount * 2);
                        edgeIndex = Arrays.copyOf(edgeIndex, edgeCount * 2);
                    }
                    edgeSource[edgeCount] = current;
                    edgeIndex[edgeCount++] = i;
                    if (edge.action() == Nfa.Action.TAKE) {
                        takes++;
                    }
                }
            }
        }
        return takes;
    }

    /** IGNORE edges among the collected ones, except those back to the run's own state. */
    private int ignoreCount(int state) {
        int ignores = 0;
        for (int i = 0; i < edgeCount; i++) {
            Nfa.Edge edge = nfa.state(edgeSource[i]).edges().get(edgeIndex[i]);
            if (edge.action() == Nfa.Action.IGNORE && edge.target() != state) {
                ignores++;
            }
        }
        return ignores;
    }

    /** Flink's findFinalStateAfterProceed: a final state reachable by enabled PROCEED edges, or -1. */
    private int finalAfterProceed(int state, MatchView match) {
        int top = 0;
        proceedStack[top++] = state;
        while (top > 0) {
            int current = proceedStack[--top];
            List<Nfa.Edge> edges = nfa.state(current).edges();
            for (int i = 0; i < edges.size(); i++) {
                Nfa.Edge edge = edges.get(i);
                if (edge.action() == Nfa.Action.PROCEED && edge.guard().test(event, match)) {
                    if (nfa.state(edge.target()).kind() == Nfa.Kind.FINAL) {
                        return edge.target();
                    }
                    if (top == proceedStack.length) {
                        proceedStack = Arrays.copyOf(proceedStack, top * 2);
                    }
                    proceedStack[top++] = edge.target();
                }
            }
        }
        return -1;
    }
}

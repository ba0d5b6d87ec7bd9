package dev.vigil.nfa.program;

import dev.vigil.dsl.ast.AfterMatchSkip;
import java.util.List;
import java.util.Objects;

/**
 * The immutable automaton of one rule: Flink CEP's NFA states and edges, the windows, the after-match skip
 * strategy and the variable numbering. Built by {@code NfaCompiler}, run by {@code Matcher}, shared by every
 * key and thread.
 *
 * <p>States are numbered in the order the compiler created them (Flink's order: the final state first, the
 * start state last); unreachable helper copies the Flink compiler leaves behind are kept so that the graph,
 * and therefore the matcher's version numbers, stay those of Flink.
 */
public final class Nfa {
    /** What a state is; Flink's {@code State.StateType}. */
    public enum Kind {
        START,
        NORMAL,
        FINAL,
        /** A trailing {@code notFollowedBy} waiting for its window to close without the forbidden event. */
        PENDING,
        /** Reached when a negated variable's event occurs: the run is discarded. */
        STOP
    }

    /** Flink's {@code StateTransitionAction}. */
    public enum Action {
        /** Bind the event to the edge's source state's variable and move to the target. */
        TAKE,
        /** Skip the event and move to (or stay in) the target. */
        IGNORE,
        /** Epsilon move to the target, taken while deciding what to do with the current event. */
        PROCEED
    }

    /** One outgoing edge. */
    public record Edge(Action action, int target, Guard guard) {
        public Edge {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(guard, "guard");
        }
    }

    /**
     * One state.
     *
     * @param name Flink's internal state name (variable name, made unique with {@code :n})
     * @param variable the variable an event taken here is bound to, or -1
     * @param gapWindowMs the {@code PREVIOUS_AND_CURRENT} window of runs waiting here, 0 for none
     */
    public record State(int id, String name, Kind kind, int variable, long gapWindowMs, List<Edge> edges) {
        public State {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            edges = List.copyOf(edges);
        }
    }

    private final List<State> states;
    private final int start;
    private final long windowMs;
    private final AfterMatchSkip.Kind skip;
    private final int skipVariable;
    private final List<String> variables;
    private final boolean readsMatch;
    private final boolean hasGapWindows;

    /**
     * @param windowMs the {@code FIRST_AND_LAST} window, 0 for none
     * @param skipVariable the variable of {@code TO FIRST}/{@code TO LAST}, else -1
     */
    public Nfa(List<State> states, long windowMs, AfterMatchSkip.Kind skip, int skipVariable, List<String> variables) {
        this.states = List.copyOf(states);
        this.windowMs = windowMs;
        this.skip = Objects.requireNonNull(skip, "skip");
        this.skipVariable = skipVariable;
        this.variables = List.copyOf(variables);
        int startState = -1;
        boolean reads = false;
        boolean gaps = false;
        for (int i = 0; i < this.states.size(); i++) {
            State state = this.states.get(i);
            if (state.id() != i) {
                throw new IllegalArgumentException("state " + state.name() + " has id " + state.id() + " at " + i);
            }
            if (state.kind() == Kind.START) {
                if (startState >= 0) {
                    throw new IllegalArgumentException("two start states: " + startState + " and " + i);
                }
                startState = i;
            }
            gaps |= state.gapWindowMs() > 0;
            for (Edge edge : state.edges()) {
                if (edge.target() < 0 || edge.target() >= this.states.size()) {
                    throw new IllegalArgumentException("edge of " + state.name() + " to " + edge.target());
                }
                reads |= edge.guard().readsMatch();
            }
        }
        if (startState < 0) {
            throw new IllegalArgumentException("no start state");
        }
        this.start = startState;
        this.readsMatch = reads;
        this.hasGapWindows = gaps;
    }

    public List<State> states() {
        return states;
    }

    public State state(int id) {
        return states.get(id);
    }

    public int startState() {
        return start;
    }

    /** The {@code WITHIN} ({@code FIRST_AND_LAST}) window in ms, 0 when the rule has none. */
    public long windowMs() {
        return windowMs;
    }

    public AfterMatchSkip.Kind skip() {
        return skip;
    }

    /** The variable named by {@code TO FIRST}/{@code TO LAST}, else -1. */
    public int skipVariable() {
        return skipVariable;
    }

    /** Variable names; the index is the variable number ({@link PatternVariables}). */
    public List<String> variables() {
        return variables;
    }

    /** Whether any edge condition reads the partial match (iterative conditions). */
    public boolean readsMatch() {
        return readsMatch;
    }

    /** Whether any state has a {@code PREVIOUS_AND_CURRENT} window. */
    public boolean hasGapWindows() {
        return hasGapWindows;
    }

    /** One line per state and per edge, stable, for tests and {@code vigil explain}. */
    public String describe() {
        return NfaPrinter.describe(this);
    }

    /** The automaton as a Graphviz digraph. */
    public String toDot() {
        return NfaPrinter.toDot(this);
    }

    @Override
    public String toString() {
        return describe();
    }
}

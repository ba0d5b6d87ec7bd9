package dev.vigil.nfa;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The compiled automaton of one rule as a value to show ({@code vigil explain}, the server's
 * {@code GET /v1/rules/{name}/nfa}): Flink CEP's states and edges in the compiler's numbering, the windows, the
 * after-match skip strategy, and the same automaton as text and as Graphviz source. From
 * {@link CompiledRule#automaton()}. It explains what the engine runs; the engine runs its own internal form.
 *
 * @param start the id of the start state
 * @param skip the after-match skip strategy
 * @param windowMs the {@code WITHIN} window, 0 for none
 * @param skipVariable the variable the skip strategy names, or null
 * @param variables the pattern variables, in the engine's numbering
 * @param states the states; a state's id is its index in this list, and an edge's target is such an id
 * @param text the automaton as text, one line per state and per edge (what {@code vigil explain} prints)
 * @param dot the automaton as Graphviz source
 */
public record Automaton(int start, AfterMatchSkip.Kind skip, long windowMs, String skipVariable,
        List<String> variables, List<State> states, String text, String dot) {

    public Automaton {
        variables = List.copyOf(variables);
        states = List.copyOf(states);
    }

    /**
     * One state.
     *
     * @param name Flink's internal state name (the variable's name, made unique with {@code :n})
     * @param kind {@code start}, {@code normal}, {@code final}, {@code pending} (a trailing negation waiting for its
     *     window to close) or {@code stop} (a negated variable's event occurred: the run is discarded)
     * @param variable the variable an event taken here is bound to, or null
     * @param gapWindowMs the window between consecutive events of runs waiting here, 0 for none
     */
    public record State(int id, String name, String kind, String variable, long gapWindowMs, List<Edge> edges) {
        public State {
            edges = List.copyOf(edges);
        }
    }

    /**
     * One outgoing edge.
     *
     * @param action {@code take} (bind the event and move), {@code ignore} (skip the event and move or stay) or
     *     {@code proceed} (an epsilon move)
     * @param guard the edge's condition by the variables it tests ({@code big & !until(big)})
     * @param condition the same condition with each variable's {@code DEFINE} or {@code UNTIL} written out
     *     ({@code (amount >= 500) AND NOT (status = 'closed')}); {@code true} for an edge any event takes
     */
    public record Edge(String action, int target, String guard, String condition) {}

    static Automaton of(Nfa nfa) {
        List<State> states = new ArrayList<>(nfa.states().size());
        for (Nfa.State state : nfa.states()) {
            List<Edge> edges = new ArrayList<>(state.edges().size());
            for (Nfa.Edge edge : state.edges()) {
                edges.add(new Edge(lower(edge.action()), edge.target(), edge.guard().toString(),
                        edge.guard().conditionText()));
            }
            states.add(new State(state.id(), state.name(), lower(state.kind()),
                    state.variable() >= 0 ? nfa.variables().get(state.variable()) : null, state.gapWindowMs(),
                    edges));
        }
        return new Automaton(nfa.startState(), nfa.skip(), nfa.windowMs(),
                nfa.skipVariable() >= 0 ? nfa.variables().get(nfa.skipVariable()) : null, nfa.variables(), states,
                nfa.describe(), nfa.toDot());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}

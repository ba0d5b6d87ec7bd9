package dev.vigil.nfa.compile;

import dev.vigil.nfa.program.Guard;
import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mutable state graph {@link NfaCompiler} builds (Flink's {@code State}/{@code StateTransition} objects
 * while compiling), with Flink's unique state naming; frozen into an {@link Nfa} at the end. Every state and
 * transition is charged to the compile's {@link Budget}.
 */
final class StateGraph {
    /** Separator of Flink's unique internal state names ({@code NFAStateNameHandler.STATE_NAME_DELIM}). */
    static final String DELIMITER = ":";

    /** A state under construction. */
    static final class Node {
        final int id;
        final String name;
        Nfa.Kind kind;
        final int variable;
        long gapMs;
        final List<Arc> arcs = new ArrayList<>();
        private final Budget budget;

        Node(int id, String name, Nfa.Kind kind, int variable, Budget budget) {
            this.id = id;
            this.name = name;
            this.kind = kind;
            this.variable = variable;
            this.budget = budget;
        }

        boolean isFinal() {
            return kind == Nfa.Kind.FINAL;
        }

        boolean isStop() {
            return kind == Nfa.Kind.STOP;
        }

        void add(Nfa.Action action, Node target, Guard guard) {
            budget.chargeTransition();
            arcs.add(new Arc(action, this, target, guard));
        }

        void addTake(Node target, Guard guard) {
            add(Nfa.Action.TAKE, target, guard);
        }

        void addIgnore(Node target, Guard guard) {
            add(Nfa.Action.IGNORE, target, guard);
        }

        void addProceed(Node target, Guard guard) {
            add(Nfa.Action.PROCEED, target, guard);
        }
    }

    /** A transition under construction; its guard may still be narrowed (greedy loops). */
    static final class Arc {
        final Nfa.Action action;
        final Node source;
        final Node target;
        Guard guard;

        Arc(Nfa.Action action, Node source, Node target, Guard guard) {
            this.action = action;
            this.source = source;
            this.target = target;
            this.guard = guard;
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();
    /**
     * Per base name, a counter below which every {@code baseName:n} is taken. Names are never freed, so the first
     * free n only grows: starting the search there gives Flink's names without Flink's scan from 0, which made
     * {@code a{n}} cost n² (n states named a, a:0, a:1, ...).
     */
    private final Map<String, Integer> takenBelow = new HashMap<>();
    private final Budget budget;

    StateGraph(Budget budget) {
        this.budget = budget;
    }

    /** A new state named {@code baseName}, or {@code baseName:n} for the first free n (Flink's naming). */
    Node create(String baseName, Nfa.Kind kind, int variable) {
        budget.chargeState();
        String name = baseName;
        int counter = takenBelow.getOrDefault(baseName, 0);
        if (usedNames.contains(name)) {
            do {
                name = baseName + DELIMITER + counter++;
            } while (usedNames.contains(name));
            takenBelow.put(baseName, counter);
        }
        usedNames.add(name);
        Node node = new Node(nodes.size(), name, kind, variable, budget);
        nodes.add(node);
        return node;
    }

    /** The largest gap window given to a state (Flink's checkPatternWindowTimes compares it with WITHIN). */
    long maxGapMs() {
        long max = 0;
        for (Node node : nodes) {
            max = Math.max(max, node.gapMs);
        }
        return max;
    }

    /** Flink's {@code getOriginalNameFromInternal}: the name before the first delimiter. */
    static String originalName(String internalName) {
        int at = internalName.indexOf(DELIMITER);
        return at < 0 ? internalName : internalName.substring(0, at);
    }

    List<Nfa.State> freeze() {
        List<Nfa.State> states = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            List<Nfa.Edge> edges = new ArrayList<>(node.arcs.size());
            for (Arc arc : node.arcs) {
                if (arc.target == null) {
                    throw new IllegalArgumentException("state " + node.name + " has an edge to nowhere");
                }
                edges.add(new Nfa.Edge(arc.action, arc.target.id, arc.guard));
            }
            states.add(new Nfa.State(node.id, node.name, node.kind, node.variable, node.gapMs, edges));
        }
        return states;
    }
}

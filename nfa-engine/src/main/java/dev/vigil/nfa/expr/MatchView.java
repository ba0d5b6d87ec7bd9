package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * What an expression may see of a (partial) match: the events bound so far to each pattern variable,
 * oldest first. Variables are numbered by their first appearance in the pattern (0-based), the same
 * numbering the rule compiler gives to the {@code ExpressionCompiler}.
 *
 * <p>Inside a condition, the view holds the partial match the current event would extend, so a loop's
 * condition that names its own variable sees the events the loop already accepted (Flink CEP's
 * iterative conditions). Inside {@code EMIT}, it holds the whole match.
 */
public interface MatchView {
    /** A view with no events bound, for conditions that read no other variable. */
    MatchView EMPTY = new MatchView() {
        @Override
        public int count(int variable) {
            return 0;
        }

        @Override
        public Event event(int variable, int index) {
            throw new IndexOutOfBoundsException("variable " + variable + " has no events");
        }
    };

    /** Number of events bound to {@code variable}. */
    int count(int variable);

    /** The {@code index}-th event (0 = oldest) bound to {@code variable}. */
    Event event(int variable, int index);
}

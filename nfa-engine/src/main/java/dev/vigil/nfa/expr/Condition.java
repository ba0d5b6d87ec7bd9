package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * A compiled boolean expression ({@code DEFINE} and {@code UNTIL}). Never throws on data: a missing
 * field is null, and a comparison with null is false.
 */
public interface Condition {
    Condition TRUE = new Condition() {
        @Override
        public boolean test(Event event, MatchView match) {
            return true;
        }

        @Override
        public boolean readsMatch() {
            return false;
        }

        @Override
        public String toString() {
            return "true";
        }
    };

    boolean test(Event event, MatchView match);

    /**
     * Whether the condition holds, and why (not): the same outcome as {@link #test}, with the false sub-expression
     * and the values it saw. Allocates; for explanations, never for matching.
     */
    default Verdict explain(Event event, MatchView match) {
        return new Verdict(test(event, match), toString(), java.util.List.of());
    }

    /**
     * Whether the condition reads other variables' events. When false, callers may pass
     * {@link MatchView#EMPTY} and skip materializing the partial match.
     */
    default boolean readsMatch() {
        return true;
    }
}

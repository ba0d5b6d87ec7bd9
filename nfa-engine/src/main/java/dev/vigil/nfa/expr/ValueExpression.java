package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * A compiled expression yielding a value: Long, Double, String, Boolean, a nested Map or List, or null.
 * Never throws on data; operations on null or on mismatched types yield null.
 */
public interface ValueExpression {
    Object evaluate(Event event, MatchView match);
}

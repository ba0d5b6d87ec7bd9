package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * A node that always yields a boolean: comparisons, logic, and the predicates IN, BETWEEN, IS NULL,
 * LIKE, MATCHES. It is its own {@link Condition}; used as a value it yields Boolean.TRUE or FALSE,
 * never null, because a comparison with null is false rather than unknown.
 */
abstract class BooleanNode extends Node implements Condition {
    BooleanNode(Node... children) {
        super(children);
    }

    @Override
    public final Object evaluate(Event event, MatchView match) {
        return test(event, match) ? Boolean.TRUE : Boolean.FALSE;
    }

    @Override
    public final Verdict explain(Event event, MatchView match) {
        if (test(event, match)) {
            return new Verdict(true, toString(), SeenValues.of(this, event, match));
        }
        return blame(event, match);
    }

    /**
     * Why this node, known to be false on {@code event}, is: itself and what it read, unless one operand alone
     * decides it ({@link Logic.And}: the first false conjunct, as evaluation stops there too).
     */
    Verdict blame(Event event, MatchView match) {
        return new Verdict(false, toString(), SeenValues.of(this, event, match));
    }
}

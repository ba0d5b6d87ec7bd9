package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/** A literal, normalised once at compile time (durations are Long milliseconds). */
final class Constant extends Node {
    private final Object value;

    Constant(Object value) {
        this.value = Values.normalize(value);
    }

    Object value() {
        return value;
    }

    @Override
    public Object evaluate(Event event, MatchView match) {
        return value;
    }

    @Override
    public String toString() {
        return Values.literal(value);
    }
}

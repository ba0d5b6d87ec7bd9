package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/** A field of the current event: {@code amount}, {@code device.os}, {@code ts}, {@code stream}. */
final class EventField extends Node {
    private final FieldAccess field;

    EventField(FieldAccess field) {
        this.field = field;
    }

    FieldAccess access() {
        return field;
    }

    @Override
    public Object evaluate(Event event, MatchView match) {
        return field.read(event);
    }

    @Override
    public String toString() {
        return field.toString();
    }
}

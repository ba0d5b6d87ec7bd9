package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * A condition's first test, when it is "a top-level field equals a string constant" ({@code type = 'login'}): what
 * the engine indexes rules by ({@code dev.vigil.nfa.runtime.RuleDispatch}). Read on an event whose field is absent or
 * a string, the test is false without an evaluation error exactly when the value is not {@link #value}; and being
 * the first test of a conjunction, it decides the condition alone then (evaluation stops there).
 *
 * @param field the field's name, interned
 */
public record FieldEquals(String field, String value) {
    /** The test {@code condition} evaluates first when it is a field-equals-string one; null when it is not. */
    public static FieldEquals firstTestOf(Condition condition) {
        Condition first = condition;
        while (first instanceof Logic.And and) {
            first = and.left();
        }
        if (!(first instanceof Comparison comparison) || !comparison.isEquality()
                || !(comparison.left() instanceof EventField field) || !(comparison.right() instanceof Constant constant)
                || !(constant.value() instanceof String value)) {
            return null;
        }
        String name = field.access().topLevelName();
        return name == null ? null : new FieldEquals(name, value);
    }

    /** The field's value as the test reads it, before normalising (a string reads as itself). */
    public Object read(Event event) {
        return event.field(field);
    }
}

package dev.vigil.nfa.expr;

import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.nfa.Event;

/**
 * A test "a top-level field against a number constant" ({@code value >= 40}, {@code amount < 9.5}) that a condition
 * evaluates first, or right after a first test it passed: what the engine indexes rules by, next to
 * {@link FieldEquals} ({@code dev.vigil.nfa.runtime.RuleDispatch}). Read on an event whose field is absent or a
 * number, the test gives its outcome without an evaluation error (an absent field is false, NaN is below and above
 * nothing); being a conjunction's test, a false one decides the condition alone. On a field of another kind it
 * records an error, so the engine lets the guard evaluate it.
 *
 * @param field the field's name, interned
 * @param bound the constant, a Long or a Double other than NaN
 * @param above whether values above the bound pass ({@code >}, {@code >=}), else values below it
 * @param inclusive whether the bound itself passes ({@code >=}, {@code <=})
 */
public record FieldRange(String field, Object bound, boolean above, boolean inclusive) {
    /** The test {@code condition} evaluates first, when it is such a range; null when it is not. */
    public static FieldRange firstTestOf(Condition condition) {
        return of(first(condition));
    }

    /**
     * The test {@code condition} evaluates second, when its first one passed, when that second one is such a range;
     * null when it is not, or when the condition is a single test.
     */
    public static FieldRange secondTestOf(Condition condition) {
        Condition first = condition;
        Logic.And innermost = null;
        while (first instanceof Logic.And and) {
            innermost = and;
            first = and.left();
        }
        return innermost == null ? null : of(first(innermost.right()));
    }

    private static Condition first(Condition condition) {
        Condition first = condition;
        while (first instanceof Logic.And and) {
            first = and.left();
        }
        return first;
    }

    private static FieldRange of(Condition test) {
        if (!(test instanceof Comparison comparison) || !(comparison.left() instanceof EventField field)
                || !(comparison.right() instanceof Constant constant) || !isNumber(constant.value())
                || constant.value() instanceof Double d && d.isNaN()) {
            return null;
        }
        String name = field.access().topLevelName();
        BinaryOp op = comparison.op();
        if (name == null || op != BinaryOp.GT && op != BinaryOp.GE && op != BinaryOp.LT && op != BinaryOp.LE) {
            return null;
        }
        return new FieldRange(name, constant.value(), op == BinaryOp.GT || op == BinaryOp.GE,
                op == BinaryOp.GE || op == BinaryOp.LE);
    }

    /** The field's value as the test reads it (normalised: a Long or a Double for a number). */
    public Object read(Event event) {
        return Values.normalize(event.field(field));
    }

    /** Whether a value {@link #read} is a number: then the test gives its outcome without an error. */
    public static boolean isNumber(Object value) {
        return Values.isNumber(value);
    }

    /** The test's outcome on a number {@link #read}. */
    public boolean passes(Object number) {
        int outcome = Values.compare(number, bound);
        return (outcome & (above ? Values.GREATER : Values.LESS)) != 0
                || inclusive && (outcome & Values.EQUAL) != 0;
    }

    /**
     * Orders tests of one field and direction so that those an event passes come first: the loosest bound first
     * (lowest for {@code above}, highest for below), and at the same bound the inclusive one. Numbers compare
     * exactly, as the test does.
     */
    public int compareLooseness(FieldRange other) {
        int outcome = Values.compare(bound, other.bound);
        int order = outcome == Values.LESS ? -1 : outcome == Values.GREATER ? 1 : 0;
        if (order != 0) {
            return above ? order : -order;
        }
        return Boolean.compare(other.inclusive, inclusive);
    }
}

package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.List;

/**
 * The expression language of {@code DEFINE}, {@code UNTIL} and {@code EMIT}. Names are not resolved
 * here: a {@link Ref} {@code a.b} is a variable's field when {@code a} is a pattern variable of the
 * rule, otherwise a (nested) field of the current event; {@code ts} and {@code stream} are the event's
 * own time and stream.
 */
public sealed interface Expr {
    Span span();

    /** A literal. {@code value} is a Long, Double, String, Boolean or null; durations are Long milliseconds. */
    record Literal(Object value, LiteralKind kind, Span span) implements Expr {}

    enum LiteralKind {
        LONG,
        DOUBLE,
        STRING,
        BOOLEAN,
        NULL,
        DURATION
    }

    /** A dotted name: {@code amount}, {@code device.os}, {@code probe.merchant}, or a bare variable {@code probe}. */
    record Ref(List<String> path, Span span) implements Expr {
        public Ref {
            path = List.copyOf(path);
        }

        public String dotted() {
            return String.join(".", path);
        }
    }

    /**
     * A function call. {@code function} is upper-cased. Aggregates over pattern variables
     * ({@code COUNT(v)}, {@code FIRST(v.f)}, {@code LAST(v.f)}, {@code SUM/AVG/MIN/MAX(v.f)}) are calls
     * whose argument is a {@link Ref} naming a variable.
     */
    record Call(String function, List<Expr> args, Span span) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /**
     * A windowed aggregate, {@code AVG(amount) OVER (LAST 1 HOUR)}: {@code function} (upper-cased) over
     * {@code argument} evaluated on each of the key's events of the rule's streams in the last {@code windowMillis}
     * of event time, the current event included; {@code argument} is null for {@code COUNT(*)}.
     */
    record Windowed(String function, Expr argument, long windowMillis, Span span) implements Expr {
        public Windowed {
            if (windowMillis <= 0) {
                throw new IllegalArgumentException("window " + windowMillis + " ms is not positive");
            }
        }
    }

    record Unary(UnaryOp op, Expr operand, Span span) implements Expr {}

    enum UnaryOp {
        NEGATE,
        NOT
    }

    record Binary(BinaryOp op, Expr left, Expr right, Span span) implements Expr {}

    enum BinaryOp {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/"), MODULO("%"),
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">="),
        AND("AND"), OR("OR");

        public final String symbol;

        BinaryOp(String symbol) {
            this.symbol = symbol;
        }
    }

    /** {@code value [NOT] IN (a, b, ...)}. */
    record In(Expr value, List<Expr> options, boolean negated, Span span) implements Expr {
        public In {
            options = List.copyOf(options);
        }
    }

    /** {@code value [NOT] BETWEEN low AND high}, inclusive at both ends. */
    record Between(Expr value, Expr low, Expr high, boolean negated, Span span) implements Expr {}

    /** {@code value IS [NOT] NULL}. */
    record IsNull(Expr value, boolean negated, Span span) implements Expr {}

    /** {@code value [NOT] LIKE pattern} with SQL wildcards {@code %} and {@code _}. */
    record Like(Expr value, Expr pattern, boolean negated, Span span) implements Expr {}

    /** {@code value [NOT] MATCHES regex}: Java regular expression, found anywhere in the value. */
    record RegexMatch(Expr value, Expr pattern, boolean negated, Span span) implements Expr {}
}

package dev.vigil.nfa.expr;

import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.nfa.Event;

/**
 * Arithmetic on Long and Double: {@code + - *} keep two Longs exact and move to Double on overflow;
 * {@code /} is always a Double; {@code %} is a Long for two Longs. Division and remainder by zero, and
 * any operand that is null or not a number, yield null: bad data makes the expression unknown, not the
 * engine fail.
 */
final class Arithmetic extends Node {
    private final BinaryOp op;
    private final Node left;
    private final Node right;

    Arithmetic(BinaryOp op, Node left, Node right) {
        super(left, right);
        if (op != BinaryOp.ADD
                && op != BinaryOp.SUBTRACT
                && op != BinaryOp.MULTIPLY
                && op != BinaryOp.DIVIDE
                && op != BinaryOp.MODULO) {
            throw new IllegalArgumentException(op + " is not arithmetic");
        }
        this.op = op;
        this.left = left;
        this.right = right;
    }

    @Override
    public Object evaluate(Event event, MatchView match) {
        Object l = left.evaluate(event, match);
        if (!EvaluationErrors.number(l)) {
            return null;
        }
        Object r = right.evaluate(event, match);
        if (!EvaluationErrors.number(r)) {
            return null;
        }
        switch (op) {
            case ADD:
                return add(l, r);
            case SUBTRACT:
                return subtract(l, r);
            case MULTIPLY:
                return multiply(l, r);
            case DIVIDE:
                return divide(l, r);
            case MODULO:
                return remainder(l, r);
            default:
                throw new AssertionError(op);
        }
    }

    static Object add(Object l, Object r) {
        if (l instanceof Long a && r instanceof Long b) {
            long sum = a + b;
            if (((a ^ sum) & (b ^ sum)) < 0) {
                return (double) a + (double) b;
            }
            return sum;
        }
        return asDouble(l) + asDouble(r);
    }

    static Object subtract(Object l, Object r) {
        if (l instanceof Long a && r instanceof Long b) {
            long difference = a - b;
            if (((a ^ b) & (a ^ difference)) < 0) {
                return (double) a - (double) b;
            }
            return difference;
        }
        return asDouble(l) - asDouble(r);
    }

    static Object multiply(Object l, Object r) {
        if (l instanceof Long a && r instanceof Long b) {
            long product = a * b;
            // The product fits iff the high half of the 128-bit product is the sign of the low half.
            if (Math.multiplyHigh(a, b) != (product >> 63)) {
                return (double) a * (double) b;
            }
            return product;
        }
        return asDouble(l) * asDouble(r);
    }

    static Object divide(Object l, Object r) {
        double divisor = asDouble(r);
        return divisor == 0 ? byZero() : (Object) (asDouble(l) / divisor);
    }

    private static Object byZero() {
        EvaluationErrors.record();
        return null;
    }

    static Object remainder(Object l, Object r) {
        if (l instanceof Long a && r instanceof Long b) {
            return b == 0 ? byZero() : (Object) (a % b);
        }
        double divisor = asDouble(r);
        return divisor == 0 ? byZero() : (Object) (asDouble(l) % divisor);
    }

    static Object negate(Object value) {
        if (value instanceof Long l) {
            return l == Long.MIN_VALUE ? (Object) (-(double) l) : (Object) (-l);
        }
        if (value instanceof Double d) {
            return -d;
        }
        EvaluationErrors.number(value);
        return null;
    }

    private static double asDouble(Object number) {
        return ((Number) number).doubleValue();
    }

    @Override
    public String toString() {
        return "(" + left + " " + op.symbol + " " + right + ")";
    }

    /** Unary minus. */
    static final class Negate extends Node {
        private final Node operand;

        Negate(Node operand) {
            super(operand);
            this.operand = operand;
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            return negate(operand.evaluate(event, match));
        }

        @Override
        public String toString() {
            return "-" + operand;
        }
    }
}

package dev.vigil.nfa.expr;

import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.nfa.Event;

/**
 * {@code = <> < <= > >=}. The operator is compiled to the set of {@linkplain Values#compare outcomes}
 * that satisfy it, so evaluation is one comparison and one mask test. Null or mismatched operands give
 * the outcome NONE, which no mask contains: every comparison with null is false, {@code <>} included.
 */
final class Comparison extends BooleanNode {
    private final BinaryOp op;
    private final int accepted;
    private final Node left;
    private final Node right;

    Comparison(BinaryOp op, Node left, Node right) {
        super(left, right);
        this.op = op;
        this.accepted = accepted(op);
        this.left = left;
        this.right = right;
    }

    private static int accepted(BinaryOp op) {
        switch (op) {
            case EQ:
                return Values.EQUAL | Values.SAME;
            case NE:
                return Values.LESS | Values.GREATER | Values.DIFFERENT;
            case LT:
                return Values.LESS;
            case LE:
                return Values.LESS | Values.EQUAL;
            case GT:
                return Values.GREATER;
            case GE:
                return Values.GREATER | Values.EQUAL;
            default:
                throw new IllegalArgumentException(op + " is not a comparison");
        }
    }

    boolean isEquality() {
        return op == BinaryOp.EQ;
    }

    BinaryOp op() {
        return op;
    }

    Node left() {
        return left;
    }

    Node right() {
        return right;
    }

    @Override
    public boolean test(Event event, MatchView match) {
        Object l = left.evaluate(event, match);
        if (l == null) {
            return false;
        }
        Object r = right.evaluate(event, match);
        int order = Values.compare(l, r);
        if (order == Values.NONE && r != null && !(Values.isNumber(l) && Values.isNumber(r))) {
            EvaluationErrors.record();   // values of different kinds (NaN against a number is no error)
        }
        return (order & accepted) != 0;
    }

    @Override
    public String toString() {
        return "(" + left + " " + op.symbol + " " + right + ")";
    }
}

package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.dsl.ast.Expr.LiteralKind;
import dev.vigil.dsl.ast.Expr;

/**
 * Typing rules of the operators, given the types of their operands: comparisons need comparable operands
 * (and never the literal NULL), arithmetic needs numbers, AND/OR/NOT need booleans, LIKE/MATCHES need
 * strings. Open types (unknown, null) pass every rule, so schemaless rules are not second-guessed.
 */
final class Operators {
    private final Diagnostics out;

    Operators(Diagnostics out) {
        this.out = out;
    }

    /** Checks a binary operator applied to operands of the given types; returns the result type. */
    Type binary(Expr.Binary binary, Type left, Type right) {
        BinaryOp op = binary.op();
        if (op == BinaryOp.AND || op == BinaryOp.OR) {
            requireBoolean(op.symbol, binary.left(), left);
            requireBoolean(op.symbol, binary.right(), right);
            return Type.BOOLEAN;
        }
        if (op == BinaryOp.ADD || op == BinaryOp.SUBTRACT || op == BinaryOp.MULTIPLY || op == BinaryOp.DIVIDE
                || op == BinaryOp.MODULO) {
            return arithmetic(binary, left, right);
        }
        Expr nullSide = isNull(binary.right()) ? binary.left() : isNull(binary.left()) ? binary.right() : null;
        if (nullSide != null && (op == BinaryOp.EQ || op == BinaryOp.NE)) {
            out.error(binary.span(), "a comparison with NULL is never true (comparisons with null are false); "
                    + "write " + text(nullSide) + (op == BinaryOp.EQ ? " IS NULL" : " IS NOT NULL"));
            return Type.BOOLEAN;
        }
        if (!left.comparableWith(right)) {
            out.error(binary.span(), "cannot compare " + text(binary.left()) + " (" + left.describe() + ") with "
                    + text(binary.right()) + " (" + right.describe() + ")");
        } else if (op != BinaryOp.EQ && op != BinaryOp.NE && (left == Type.BOOLEAN || right == Type.BOOLEAN)) {
            out.error(binary.span(), "cannot order BOOLEAN values with " + op.symbol + "; only = and <> apply to "
                    + "booleans");
        }
        return Type.BOOLEAN;
    }

    private static boolean isNull(Expr expr) {
        return expr instanceof Expr.Literal literal && literal.kind() == LiteralKind.NULL;
    }

    private Type arithmetic(Expr.Binary binary, Type left, Type right) {
        for (int side = 0; side < 2; side++) {
            Expr operand = side == 0 ? binary.left() : binary.right();
            Type type = side == 0 ? left : right;
            if (!type.open() && !type.numeric()) {
                String hint = binary.op() == BinaryOp.ADD && type == Type.STRING
                        ? "; use CONCAT(a, b) to join strings" : "";
                out.error(binary.span(), "arithmetic (" + binary.op().symbol + ") needs numbers, but "
                        + text(operand) + " is " + type.describe() + hint);
                return Type.UNKNOWN;
            }
        }
        if (left.open() || right.open()) {
            return Type.UNKNOWN;
        }
        if (left == Type.DOUBLE || right == Type.DOUBLE || binary.op() == BinaryOp.DIVIDE) {
            return Type.DOUBLE; // '/' always divides exactly: 7 / 2 is 3.5, whether a JSON number has a point or not
        }
        boolean shiftsTime = binary.op() == BinaryOp.ADD || binary.op() == BinaryOp.SUBTRACT;
        if (shiftsTime && left == Type.TIMESTAMP && right != Type.TIMESTAMP) {
            return Type.TIMESTAMP;
        }
        return binary.op() == BinaryOp.SUBTRACT && left == Type.TIMESTAMP ? Type.DURATION : Type.LONG;
    }

    void requireBoolean(String operator, Expr operand, Type type) {
        if (!type.open() && type != Type.BOOLEAN) {
            String needs = operator.equals("NOT") ? " needs a BOOLEAN operand" : " needs BOOLEAN operands";
            out.error(operand.span(), operator + needs + ", but " + text(operand) + " is "
                    + type.describe());
        }
    }

    void requireText(String operator, Expr operand, Type type) {
        if (!type.open() && type != Type.STRING) {
            out.error(operand.span(), operator + " needs STRING operands, but " + text(operand) + " is "
                    + type.describe());
        }
    }

    private static String text(Expr expr) {
        return ExpressionChecker.text(expr);
    }
}

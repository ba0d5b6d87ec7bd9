package dev.vigil.dsl;

import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.dsl.ast.Expr.LiteralKind;
import dev.vigil.dsl.ast.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints expressions with the fewest parentheses that keep the tree's shape when read back. Levels, lowest
 * first: OR 1, AND 2, NOT 3, comparisons 4, + - 5, * / % 6, unary minus 7, primaries 8. Binary operators are
 * left-associative, so a right operand at the same level is parenthesized; comparisons do not chain.
 */
final class ExprText {
    private static final int OR = 1;
    private static final int AND = 2;
    private static final int NOT = 3;
    private static final int COMPARISON = 4;
    private static final int ADDITIVE = 5;
    private static final int MULTIPLICATIVE = 6;
    private static final int NEGATE = 7;
    private static final int PRIMARY = 8;

    String print(Expr expr) {
        if (expr instanceof Expr.Literal literal) {
            return literal(literal);
        }
        if (expr instanceof Expr.Ref ref) {
            List<String> segments = new ArrayList<>();
            for (String segment : ref.path()) {
                segments.add(RulePrinter.name(segment));
            }
            return String.join(".", segments);
        }
        if (expr instanceof Expr.Call call) {
            List<String> args = new ArrayList<>();
            for (Expr arg : call.args()) {
                args.add(print(arg));
            }
            return RulePrinter.name(call.function()) + "(" + String.join(", ", args) + ")";
        }
        if (expr instanceof Expr.Windowed windowed) {
            return RulePrinter.name(windowed.function()) + "(" + (windowed.argument() == null ? "*"
                    : print(windowed.argument())) + ") OVER (LAST " + RulePrinter.duration(windowed.windowMillis())
                    + ")";
        }
        if (expr instanceof Expr.Unary unary) {
            if (unary.op() == Expr.UnaryOp.NOT) {
                return "NOT " + operand(unary.operand(), NOT);
            }
            // "-5" would read back as the literal -5 and "--x" as a comment, so such operands get parentheses.
            Expr operand = unary.operand();
            boolean wrap = level(operand) < PRIMARY || isNumber(operand);
            return "-" + (wrap ? "(" + print(operand) + ")" : print(operand));
        }
        if (expr instanceof Expr.Binary binary) {
            int level = level(binary);
            int rightLevel = level == COMPARISON ? ADDITIVE : level + 1;
            int leftLevel = level == COMPARISON ? ADDITIVE : level;
            return operand(binary.left(), leftLevel) + " " + binary.op().symbol + " "
                    + operand(binary.right(), rightLevel);
        }
        if (expr instanceof Expr.In in) {
            List<String> options = new ArrayList<>();
            for (Expr option : in.options()) {
                options.add(print(option));
            }
            return operand(in.value(), ADDITIVE) + (in.negated() ? " NOT IN (" : " IN (")
                    + String.join(", ", options) + ")";
        }
        if (expr instanceof Expr.Between between) {
            return operand(between.value(), ADDITIVE) + (between.negated() ? " NOT BETWEEN " : " BETWEEN ")
                    + operand(between.low(), ADDITIVE) + " AND " + operand(between.high(), ADDITIVE);
        }
        if (expr instanceof Expr.IsNull isNull) {
            return operand(isNull.value(), ADDITIVE) + (isNull.negated() ? " IS NOT NULL" : " IS NULL");
        }
        if (expr instanceof Expr.Like like) {
            return operand(like.value(), ADDITIVE) + (like.negated() ? " NOT LIKE " : " LIKE ")
                    + operand(like.pattern(), ADDITIVE);
        }
        if (expr instanceof Expr.RegexMatch match) {
            return operand(match.value(), ADDITIVE) + (match.negated() ? " NOT MATCHES " : " MATCHES ")
                    + operand(match.pattern(), ADDITIVE);
        }
        throw new AssertionError(expr);
    }

    private String operand(Expr expr, int minimumLevel) {
        String text = print(expr);
        return level(expr) < minimumLevel ? "(" + text + ")" : text;
    }

    private static boolean isNumber(Expr expr) {
        if (!(expr instanceof Expr.Literal literal)) {
            return false;
        }
        LiteralKind kind = literal.kind();
        return kind == LiteralKind.LONG || kind == LiteralKind.DOUBLE || kind == LiteralKind.DURATION;
    }

    private static int level(Expr expr) {
        if (expr instanceof Expr.Binary binary) {
            BinaryOp op = binary.op();
            if (op == BinaryOp.OR) {
                return OR;
            }
            if (op == BinaryOp.AND) {
                return AND;
            }
            if (op == BinaryOp.ADD || op == BinaryOp.SUBTRACT) {
                return ADDITIVE;
            }
            if (op == BinaryOp.MULTIPLY || op == BinaryOp.DIVIDE || op == BinaryOp.MODULO) {
                return MULTIPLICATIVE;
            }
            return COMPARISON;
        }
        if (expr instanceof Expr.Unary unary) {
            return unary.op() == Expr.UnaryOp.NOT ? NOT : NEGATE;
        }
        if (expr instanceof Expr.In || expr instanceof Expr.Between || expr instanceof Expr.IsNull
                || expr instanceof Expr.Like || expr instanceof Expr.RegexMatch) {
            return COMPARISON;
        }
        if (isNumber(expr) && literal((Expr.Literal) expr).startsWith("-")) {
            return NEGATE;
        }
        return PRIMARY;
    }

    private static String literal(Expr.Literal literal) {
        Object value = literal.value();
        switch (literal.kind()) {
            case LONG:
                return Long.toString(((Number) value).longValue());
            case DOUBLE:
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("rule text cannot hold the number " + d);
                }
                return Double.toString(d);
            case STRING:
                return "'" + ((String) value).replace("'", "''") + "'";
            case BOOLEAN:
                return (Boolean) value ? "TRUE" : "FALSE";
            case NULL:
                return "NULL";
            case DURATION:
                return RulePrinter.duration(((Number) value).longValue());
            default:
                throw new AssertionError(literal);
        }
    }
}

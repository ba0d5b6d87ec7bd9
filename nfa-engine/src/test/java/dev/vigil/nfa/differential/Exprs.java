package dev.vigil.nfa.differential;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import java.util.ArrayList;
import java.util.List;

/** Builds the rule-language AST of generated cases (every node at {@link Span#NONE}). */
final class Exprs {
    private Exprs() {}

    static Expr ref(String... path) {
        return new Expr.Ref(List.of(path), Span.NONE);
    }

    static Expr string(String value) {
        return new Expr.Literal(value, Expr.LiteralKind.STRING, Span.NONE);
    }

    static Expr number(long value) {
        return new Expr.Literal(value, Expr.LiteralKind.LONG, Span.NONE);
    }

    static Expr binary(BinaryOp op, Expr left, Expr right) {
        return new Expr.Binary(op, left, right, Span.NONE);
    }

    static Expr call(String function, Expr argument) {
        return new Expr.Call(function, List.of(argument), Span.NONE);
    }

    /** The Java meaning of a comparison operator of the rule language. */
    static boolean compare(BinaryOp op, double left, double right) {
        if (op == BinaryOp.EQ) {
            return left == right;
        } else if (op == BinaryOp.NE) {
            return left != right;
        } else if (op == BinaryOp.LT) {
            return left < right;
        } else if (op == BinaryOp.LE) {
            return left <= right;
        } else if (op == BinaryOp.GT) {
            return left > right;
        } else if (op == BinaryOp.GE) {
            return left >= right;
        }
        throw new IllegalArgumentException("not a comparison: " + op);
    }

    static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}

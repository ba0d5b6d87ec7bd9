package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.VarDef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Bounds how deep a rule's trees are before anything walks them recursively. The parser already bounds nesting
 * it recurses through; this bounds what it reads as lists but the AST holds as nested pairs: a chain
 * {@code a OR b OR c ...} of n operators is a tree n deep, and the checker, the engine's compilers, the printer and
 * the evaluation of each event all recurse over it. Measured without recursion (an explicit stack), so the measure
 * itself cannot overflow.
 */
final class NestingDepth {
    private NestingDepth() {}

    /** Reports every expression (and the pattern) of {@code rule} deeper than the limit; true when there were any. */
    static boolean exceeded(Rule rule, int maxDepth, Diagnostics out) {
        List<Expr> roots = new ArrayList<>();
        for (VarDef def : rule.defines()) {
            add(roots, def.condition());
            add(roots, def.until());
        }
        for (EmitField field : rule.emit()) {
            add(roots, field.expression());
        }
        if (rule.timeoutEmit() != null) {
            for (EmitField field : rule.timeoutEmit()) {
                add(roots, field.expression());
            }
        }
        boolean exceeded = false;
        for (Expr root : roots) {
            if (levels(root) > maxDepth) {
                out.exceeded(root.span(), "expression nested more than " + maxDepth + " levels deep ("
                        + ParseLimits.NESTING_DEPTH + "): each operator of a chain such as a OR b OR c nests one "
                        + "level, as do parentheses, NOT and function calls; use IN (...) for long lists of "
                        + "alternatives, or split the condition", ParseLimits.NESTING_DEPTH);
                exceeded = true;
            }
        }
        if (levels(rule.pattern()) > maxDepth) {
            out.exceeded(rule.pattern().span(), "pattern nested more than " + maxDepth + " levels deep ("
                    + ParseLimits.NESTING_DEPTH + ")", ParseLimits.NESTING_DEPTH);
            exceeded = true;
        }
        return exceeded;
    }

    private static void add(List<Expr> roots, Expr expr) {
        if (expr != null) {
            roots.add(expr);
        }
    }

    /**
     * The levels of nesting in {@code root}: the operators on its longest path down, less the innermost, which has
     * nothing nested in it. So {@code x > 1} is 0 levels deep, {@code NOT NOT x > 1} 2, and a chain of n
     * {@code OR}s n, as the parser counts levels and as the limit's message says.
     */
    static int levels(Expr root) {
        return Math.max(0, innerNodesOnLongestPath(root, NestingDepth::children) - 1);
    }

    /** The levels of groups in {@code root}: a pattern without groups is 0 levels deep. */
    static int levels(Pattern root) {
        return innerNodesOnLongestPath(root, NestingDepth::groupBodies);
    }

    /** The most nodes that have children on one path from {@code root} down, walked with an explicit stack. */
    private static <T> int innerNodesOnLongestPath(T root, Function<T, List<T>> children) {
        ArrayDeque<T> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> above = new ArrayDeque<>();
        nodes.push(root);
        above.push(0);
        int max = 0;
        while (!nodes.isEmpty()) {
            T node = nodes.pop();
            List<T> below = children.apply(node);
            int inner = above.pop() + (below.isEmpty() ? 0 : 1);
            max = Math.max(max, inner);
            for (T child : below) {
                nodes.push(child);
                above.push(inner);
            }
        }
        return max;
    }

    private static List<Pattern> groupBodies(Pattern pattern) {
        List<Pattern> bodies = new ArrayList<>();
        for (Pattern.Stage stage : pattern.stages()) {
            bodies.addAll(stage.element().bodies());
        }
        return bodies;
    }

    static List<Expr> children(Expr expr) {
        if (expr instanceof Expr.Literal || expr instanceof Expr.Ref) {
            return List.of();
        } else if (expr instanceof Expr.Call call) {
            return call.args();
        } else if (expr instanceof Expr.Windowed windowed) {
            return windowed.argument() == null ? List.of() : List.of(windowed.argument());
        } else if (expr instanceof Expr.Unary unary) {
            return List.of(unary.operand());
        } else if (expr instanceof Expr.Binary binary) {
            return List.of(binary.left(), binary.right());
        } else if (expr instanceof Expr.In in) {
            List<Expr> children = new ArrayList<>(in.options());
            children.add(in.value());
            return children;
        } else if (expr instanceof Expr.Between between) {
            return List.of(between.value(), between.low(), between.high());
        } else if (expr instanceof Expr.IsNull isNull) {
            return List.of(isNull.value());
        } else if (expr instanceof Expr.Like like) {
            return List.of(like.value(), like.pattern());
        } else if (expr instanceof Expr.RegexMatch match) {
            return List.of(match.value(), match.pattern());
        }
        throw new AssertionError(expr);
    }
}

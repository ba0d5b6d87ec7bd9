package dev.vigil.nfa.expr;

import dev.vigil.dsl.Functions;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles checked expression ASTs ({@code DEFINE}, {@code UNTIL}, {@code EMIT}) into trees of small
 * immutable nodes that the matcher evaluates per event.
 *
 * <p>All decisions that do not depend on data are taken here, once: names are resolved (a pattern
 * variable's field, or a field of the current event), field paths are split, literals are normalised,
 * literal LIKE patterns and regexes are compiled, and functions are bound to their implementation. What
 * is left for evaluation is a walk over final classes with no reflection, no lookups and no
 * collections.
 *
 * <p>The input has passed the rule language's checker, so unknown names, wrong arities and invalid
 * literal regexes are bugs by the time they reach this class: they fail fast with an
 * IllegalArgumentException naming the construct and where it was written. Data never fails: see
 * {@link Values} for the value model and null semantics.
 *
 * <p>Not thread-safe while compiling (it collects the rule's windowed aggregates, {@link #windows}); the compiled
 * expressions may be shared by every key and thread.
 */
public final class ExpressionCompiler {
    private final List<String> variables;
    private final Map<String, Integer> numbers = new HashMap<>();
    private final List<WindowSpec> windows = new java.util.ArrayList<>();

    /** @param variables the pattern's variable names; a name's index is its number in the {@link MatchView}. */
    public ExpressionCompiler(List<String> variables) {
        this.variables = List.copyOf(variables);
        for (int i = 0; i < this.variables.size(); i++) {
            if (numbers.put(this.variables.get(i), i) != null) {
                throw new IllegalArgumentException("variable '" + this.variables.get(i) + "' is listed twice");
            }
        }
    }

    /** A condition: true only when the expression yields Boolean.TRUE; a null expression is always true. */
    public Condition condition(Expr expr) {
        return expr == null ? Condition.TRUE : Logic.condition(compile(expr));
    }

    /** A value: Long, Double, String, Boolean, a nested Map or List, or null. */
    public ValueExpression value(Expr expr) {
        return compile(Objects.requireNonNull(expr, "expr"));
    }

    private Node compile(Expr expr) {
        if (expr instanceof Expr.Literal literal) {
            return literal(literal);
        }
        if (expr instanceof Expr.Ref ref) {
            return ref(ref);
        }
        if (expr instanceof Expr.Call call) {
            return call(call);
        }
        if (expr instanceof Expr.Windowed windowed) {
            return windowed(windowed);
        }
        if (expr instanceof Expr.Unary unary) {
            Node operand = compile(unary.operand());
            return unary.op() == Expr.UnaryOp.NOT
                    ? new Logic.Not(Logic.condition(operand))
                    : new Arithmetic.Negate(operand);
        }
        if (expr instanceof Expr.Binary binary) {
            return binary(binary);
        }
        if (expr instanceof Expr.In in) {
            return new Predicates.In(compile(in.value()), compileAll(in.options()), in.negated());
        }
        if (expr instanceof Expr.Between between) {
            return new Predicates.Between(
                    compile(between.value()), compile(between.low()), compile(between.high()), between.negated());
        }
        if (expr instanceof Expr.IsNull isNull) {
            return new Predicates.IsNull(compile(isNull.value()), isNull.negated());
        }
        if (expr instanceof Expr.Like like) {
            return new Predicates.Like(compile(like.value()), compile(like.pattern()), like.negated());
        }
        if (expr instanceof Expr.RegexMatch regex) {
            Node pattern = compile(regex.pattern());
            try {
                return new Predicates.Matches(compile(regex.value()), pattern, regex.negated());
            } catch (PatternSyntaxException invalid) {
                throw rejected("MATCHES " + pattern, regex.span(), "invalid regex: " + invalid.getDescription());
            }
        }
        throw new AssertionError(expr);
    }

    /** {@code f(field) OVER (LAST d)}: a slot of the rule's window values, one per distinct aggregate. */
    private Node windowed(Expr.Windowed windowed) {
        List<String> field = null;
        if (windowed.argument() instanceof Expr.Ref ref) {
            field = ref.path();
        } else if (windowed.argument() != null) {
            throw rejected(windowed.function() + " OVER", windowed.span(), "the argument must be a field");
        }
        for (int slot = 0; slot < windows.size(); slot++) {
            if (windows.get(slot).same(windowed.function(), field, windowed.windowMillis())) {
                return new WindowFrame.Read(slot, windows.get(slot));
            }
        }
        windows.add(new WindowSpec(windowed.function(), field, windowed.windowMillis()));
        return new WindowFrame.Read(windows.size() - 1, windows.get(windows.size() - 1));
    }

    /** The windowed aggregates compiled so far, in slot order ({@link WindowFrame}). */
    public List<WindowSpec> windows() {
        return List.copyOf(windows);
    }

    private Node[] compileAll(List<Expr> exprs) {
        Node[] nodes = new Node[exprs.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = compile(exprs.get(i));
        }
        return nodes;
    }

    private static Node literal(Expr.Literal literal) {
        Object value = literal.value();
        boolean fits;
        switch (literal.kind()) {
            case LONG:
            case DURATION:
                fits = value instanceof Long || value instanceof Integer;
                break;
            case DOUBLE:
                fits = value instanceof Double || value instanceof Float;
                break;
            case STRING:
                fits = value instanceof String;
                break;
            case BOOLEAN:
                fits = value instanceof Boolean;
                break;
            case NULL:
                fits = value == null;
                break;
            default:
                throw new AssertionError(literal.kind());
        }
        if (!fits) {
            throw rejected("literal " + value, literal.span(), "a " + literal.kind() + " literal cannot hold it");
        }
        return new Constant(value);
    }

    /** {@code v.f...} reads v's last event; anything else is the current event's field. */
    private Node ref(Expr.Ref ref) {
        List<String> path = ref.path();
        Integer variable = numbers.get(path.get(0));
        if (variable == null) {
            return new EventField(FieldAccess.of(path));
        }
        if (path.size() == 1) {
            throw rejected("reference " + ref.dotted(), ref.span(),
                    "a variable is not a value; use COUNT(" + ref.dotted() + ") or " + ref.dotted() + ".field");
        }
        return new Aggregates.Last(variable, path.get(0), FieldAccess.of(path.subList(1, path.size())));
    }

    private Node call(Expr.Call call) {
        Functions.Signature function = Functions.lookup(call.function());
        if (function == null) {
            throw rejected("call " + call.function(), call.span(), "no such function");
        }
        if (!function.accepts(call.args().size())) {
            throw rejected("call " + call.function(), call.span(),
                    "takes " + FunctionNodes.arity(function) + " arguments, not " + call.args().size());
        }
        FunctionNodes.Builder builder = FunctionNodes.of(function);
        if (builder instanceof FunctionNodes.AggregateBuilder aggregate) {
            return aggregate(call, function, aggregate);
        }
        return ((FunctionNodes.ScalarBuilder) builder).build(compileAll(call.args()));
    }

    /** {@code COUNT(v)}, {@code COUNT(v.f)}, and FIRST, LAST, SUM, AVG, MIN, MAX of {@code v.f}. */
    private Node aggregate(Expr.Call call, Functions.Signature function, FunctionNodes.AggregateBuilder builder) {
        String name = call.function();
        Expr arg = call.args().get(0);
        Integer variable = arg instanceof Expr.Ref ref ? numbers.get(ref.path().get(0)) : null;
        if (variable == null) {
            throw rejected("call " + name, call.span(), "the argument must name a pattern variable");
        }
        List<String> path = ((Expr.Ref) arg).path();
        String variableName = path.get(0);
        if (path.size() == 1) {
            if (function.param(0) == Functions.Param.VARIABLE) {
                return builder.build(variable, variableName, null);
            }
            throw rejected("call " + name, call.span(), "needs a field: " + name + "(" + variableName + ".field)");
        }
        return builder.build(variable, variableName, FieldAccess.of(path.subList(1, path.size())));
    }

    private Node binary(Expr.Binary binary) {
        BinaryOp op = binary.op();
        if (op == BinaryOp.AND || op == BinaryOp.OR) {
            BooleanNode left = Logic.condition(compile(binary.left()));
            BooleanNode right = Logic.condition(compile(binary.right()));
            return op == BinaryOp.AND ? new Logic.And(left, right) : new Logic.Or(left, right);
        }
        Node left = compile(binary.left());
        Node right = compile(binary.right());
        switch (op) {
            case ADD:
            case SUBTRACT:
            case MULTIPLY:
            case DIVIDE:
            case MODULO:
                return new Arithmetic(op, left, right);
            default:
                return new Comparison(op, left, right);
        }
    }

    private static IllegalArgumentException rejected(String construct, Span span, String reason) {
        return new IllegalArgumentException("cannot compile " + construct + " at " + span + ": " + reason);
    }

    @Override
    public String toString() {
        return "ExpressionCompiler" + variables;
    }
}

package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Functions;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.Expr.LiteralKind;
import dev.vigil.dsl.ast.Expr;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Resolves the names of one rule's expressions and infers their types, reporting what cannot work: a bare
 * variable used as a value, unknown variables, fields and functions, wrong arity, mismatched types, and
 * invalid regular expressions. Types are only as precise as the declarations: with no STREAM declaration
 * a field's type is unknown and nothing about it is reported.
 */
final class ExpressionChecker {
    private final Diagnostics out;
    private final RuleScope scope;
    private final Aggregates aggregates;
    final WindowedAggregates windows;
    private final Operators operators;

    ExpressionChecker(Diagnostics out, RuleScope scope) {
        this.out = out;
        this.scope = scope;
        this.aggregates = new Aggregates(out, scope);
        this.windows = new WindowedAggregates(out, scope);
        this.operators = new Operators(out);
    }

    /** Checks a DEFINE or UNTIL condition: it must be BOOLEAN. {@code current}: fields of the event tested. */
    void condition(Expr condition, FieldSet current, String clause) {
        Type type = typeOf(condition, current);
        if (type == Type.NULL) {
            out.error(condition.span(), clause + " is NULL, which never holds; write FALSE if that is meant");
        } else if (type != Type.BOOLEAN && type != Type.UNKNOWN) {
            out.error(condition.span(), clause + " must be BOOLEAN, but " + text(condition) + " is "
                    + type.describe());
        }
    }

    Type typeOf(Expr expr, FieldSet current) {
        if (expr instanceof Expr.Literal literal) {
            return literalType(literal.kind());
        }
        if (expr instanceof Expr.Ref ref) {
            return ref(ref, current);
        }
        if (expr instanceof Expr.Call call) {
            return call(call, current);
        }
        if (expr instanceof Expr.Windowed windowed) {
            return windows.check(windowed, current, this);
        }
        if (expr instanceof Expr.Unary unary) {
            Type operand = typeOf(unary.operand(), current);
            if (unary.op() == Expr.UnaryOp.NOT) {
                operators.requireBoolean("NOT", unary.operand(), operand);
                return Type.BOOLEAN;
            }
            if (!operand.open() && !operand.numeric()) {
                out.error(unary.span(), "cannot negate " + text(unary.operand()) + ", which is "
                        + operand.describe() + "; minus needs a number");
                return Type.UNKNOWN;
            }
            return operand;
        }
        if (expr instanceof Expr.Binary binary) {
            return operators.binary(binary, typeOf(binary.left(), current), typeOf(binary.right(), current));
        }
        if (expr instanceof Expr.In in) {
            Type value = typeOf(in.value(), current);
            for (Expr option : in.options()) {
                Type type = typeOf(option, current);
                if (!value.comparableWith(type)) {
                    out.error(option.span(), "cannot compare " + text(in.value()) + " (" + value.describe() + ") with "
                            + text(option) + " (" + type.describe() + ") in an IN list");
                }
            }
            return Type.BOOLEAN;
        }
        if (expr instanceof Expr.Between between) {
            Type value = typeOf(between.value(), current);
            for (Expr bound : List.of(between.low(), between.high())) {
                Type type = typeOf(bound, current);
                if (!value.comparableWith(type)) {
                    out.error(bound.span(), "BETWEEN needs bounds comparable with " + text(between.value()) + " ("
                            + value.describe() + "), but " + text(bound) + " is " + type.describe());
                }
            }
            return Type.BOOLEAN;
        }
        if (expr instanceof Expr.IsNull isNull) {
            typeOf(isNull.value(), current);
            return Type.BOOLEAN;
        }
        if (expr instanceof Expr.Like like) {
            operators.requireText("LIKE", like.value(), typeOf(like.value(), current));
            operators.requireText("LIKE", like.pattern(), typeOf(like.pattern(), current));
            return Type.BOOLEAN;
        }
        if (expr instanceof Expr.RegexMatch match) {
            operators.requireText("MATCHES", match.value(), typeOf(match.value(), current));
            operators.requireText("MATCHES", match.pattern(), typeOf(match.pattern(), current));
            if (match.pattern() instanceof Expr.Literal literal && literal.value() instanceof String regex) {
                try {
                    java.util.regex.Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    out.error(literal.span(), "invalid regular expression " + text(literal) + ": "
                            + e.getDescription() + " near index " + e.getIndex());
                }
            }
            return Type.BOOLEAN;
        }
        throw new AssertionError(expr);
    }

    private static Type literalType(LiteralKind kind) {
        switch (kind) {
            case LONG:
                return Type.LONG;
            case DOUBLE:
                return Type.DOUBLE;
            case STRING:
                return Type.STRING;
            case BOOLEAN:
                return Type.BOOLEAN;
            case NULL:
                return Type.NULL;
            case DURATION:
                return Type.DURATION;
            default:
                throw new AssertionError(kind);
        }
    }

    private Type ref(Expr.Ref ref, FieldSet current) {
        List<String> path = ref.path();
        String head = path.get(0);
        if (scope.isVariable(head)) {
            if (path.size() == 1) {
                out.error(ref.span(), "'" + head + "' is a pattern variable, not a value; use COUNT(" + head
                        + ") for its number of events or " + head + ".field for a field of its last event");
                return Type.UNKNOWN;
            }
            String field = String.join(".", path.subList(1, path.size()));
            if (scope.variables.get(head).negated()) {
                out.error(ref.span(), "'" + head + "' is negated (!" + head + ") and never holds an event, so "
                        + ref.dotted() + " has no value");
                return Type.UNKNOWN;
            }
            return field(ref, field, scope.fieldsOf(head), head);
        }
        return field(ref, ref.dotted(), current, null);
    }

    /** Type of {@code field} in {@code fields}, reporting it when unknown; built-ins exist even without schema. */
    Type field(Expr.Ref ref, String field, FieldSet fields, String variable) {
        if (fields == null) {
            return field.equals("ts") ? Type.TIMESTAMP : field.equals("stream") ? Type.STRING : Type.UNKNOWN;
        }
        Type type = fields.lookup(field);
        if (type != null) {
            return type;
        }
        String head = ref.path().get(0);
        if (variable == null && ref.path().size() > 1 && fields.lookup(head) == null) {
            // neither a variable nor an object field: the variable is the mistake, not the field after it
            List<String> closeVariables = Suggestions.closest(head, scope.variables.keySet());
            out.error(ref.span(), "unknown pattern variable '" + head + "' in " + ref.dotted() + " (nor is it a "
                    + "declared field); " + (closeVariables.isEmpty() ? "pattern variables are "
                    + scope.variableList() : "did you mean " + Suggestions.list(closeVariables, "or") + "?"));
            return Type.UNKNOWN;
        }
        StringBuilder message = new StringBuilder("unknown field '").append(field).append('\'');
        if (variable != null) {
            message.append(" of ").append(variable);
        }
        List<String> close = Suggestions.closest(field, fields.names());
        List<String> closeVariables = Suggestions.closest(ref.path().get(0), scope.variables.keySet());
        if (!close.isEmpty()) {
            message.append(" (did you mean ").append(Suggestions.list(close, "or")).append("?)");
        } else if (variable == null && ref.path().size() > 1 && !closeVariables.isEmpty()) {
            message.append(" ('").append(ref.path().get(0)).append("' is not a pattern variable; did you mean ")
                    .append(Suggestions.list(closeVariables, "or")).append("?)");
        }
        out.error(ref.span(), message.append("; ").append(fields.describe()).toString());
        return Type.UNKNOWN;
    }

    private Type call(Expr.Call call, FieldSet current) {
        Functions.Signature signature = Functions.lookup(call.function());
        if (signature == null) {
            if (!streamLookalike(call)) {
                unknownFunction(call);
                for (Expr arg : call.args()) {
                    typeOf(arg, current);
                }
            }
            return Type.UNKNOWN;
        }
        if (!signature.accepts(call.args().size())) {
            out.error(call.span(), signature.name() + " takes " + signature.arityText() + ", got "
                    + call.args().size() + ": " + signature.usage());
            return Type.UNKNOWN;
        }
        if (signature.isAggregate()) {
            return aggregates.check(signature, call, this);
        }
        Type[] types = new Type[call.args().size()];
        for (int i = 0; i < types.length; i++) {
            Expr arg = call.args().get(i);
            types[i] = typeOf(arg, current);
            Functions.Param param = signature.param(i);
            boolean wrong = !types[i].open() && (param == Functions.Param.STRING && types[i] != Type.STRING
                    || param == Functions.Param.NUMBER && !types[i].numeric());
            if (wrong) {
                out.error(arg.span(), signature.name() + " expects " + (param == Functions.Param.STRING ? "a STRING"
                        : "a number") + " as argument " + (i + 1) + ", but " + text(arg) + " is "
                        + types[i].describe() + ": " + signature.usage());
            }
        }
        return result(signature, call, types);
    }

    private Type result(Functions.Signature signature, Expr.Call call, Type[] args) {
        switch (signature.result()) {
            case STRING:
                return Type.STRING;
            case LONG:
                return Type.LONG;
            case DOUBLE:
                return Type.DOUBLE;
            case BOOLEAN:
                return Type.BOOLEAN;
            case SAME_AS_FIRST:
                return args[0] == Type.DOUBLE ? Type.DOUBLE : args[0].numeric() ? Type.LONG : Type.UNKNOWN;
            case COMMON:
                Type common = Type.NULL;
                for (int i = 0; i < args.length; i++) {
                    if (!common.comparableWith(args[i])) {
                        out.error(call.args().get(i).span(), signature.name() + " needs arguments of one kind, but "
                                + text(call.args().get(i)) + " is " + args[i].describe() + " and an earlier one is "
                                + common.describe());
                        return Type.UNKNOWN;
                    }
                    common = common.join(args[i]);
                }
                return common == Type.NULL ? Type.UNKNOWN : common;
            default:
                throw new AssertionError(signature);
        }
    }

    /**
     * Reports a call spelt like a stream: a FROM stream used inside a larger condition, or a declared stream
     * missing from FROM. Its arguments are a condition on that stream, so they are not checked here.
     */
    private boolean streamLookalike(Expr.Call call) {
        String name = call.function();
        for (String stream : scope.rule.from()) {
            if (stream.equalsIgnoreCase(name)) {
                out.error(call.span(), "stream " + stream + "(...) binds a variable only as a whole DEFINE "
                        + "condition: write v AS " + stream + "(condition)");
                return true;
            }
        }
        for (String stream : scope.declared.keySet()) {
            if (stream.equalsIgnoreCase(name)) {
                out.error(call.span(), "stream '" + stream + "' is bound in DEFINE but not listed in FROM; add it: "
                        + "FROM " + String.join(", ", scope.rule.from()) + ", " + stream);
                return true;
            }
        }
        return false;
    }

    private void unknownFunction(Expr.Call call) {
        String name = call.function();
        List<String> close = Suggestions.closest(name, Functions.names());
        out.error(call.span(), "unknown function '" + name + "'; " + (close.isEmpty()
                ? "functions are " + Suggestions.list(Functions.names(), "and")
                : "did you mean " + Suggestions.list(close, "or") + "?"));
    }

    /** An expression as the author would recognize it in a message, shortened when long. */
    static String text(Expr expr) {
        String text = RulePrinter.print(expr);
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}

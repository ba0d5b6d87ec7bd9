package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Functions;
import dev.vigil.dsl.ast.Expr;

/**
 * Checks calls of the aggregate functions, whose argument is not a value but a pattern variable
 * ({@code COUNT(v)}) or a variable's field ({@code SUM(v.amount)}), and gives their result type.
 */
final class Aggregates {
    private final Diagnostics out;
    private final RuleScope scope;

    Aggregates(Diagnostics out, RuleScope scope) {
        this.out = out;
        this.scope = scope;
    }

    Type check(Functions.Signature signature, Expr.Call call, ExpressionChecker expressions) {
        String name = signature.name();
        boolean wantsField = signature.param(0) == Functions.Param.VARIABLE_FIELD;
        Expr arg = call.args().get(0);
        String example = wantsField ? name + "(v.amount)" : name + "(v)";
        if (!(arg instanceof Expr.Ref ref)) {
            out.error(arg.span(), name + " takes " + (wantsField ? "a pattern variable's field" : "a pattern variable")
                    + ", as in " + example + "; pattern variables are " + scope.variableList());
            return Type.UNKNOWN;
        }
        String variable = ref.path().get(0);
        if (!scope.isVariable(variable)) {
            if (wantsField && ref.path().size() == 1) {
                out.error(arg.span(), name + " needs a pattern variable's field, as in " + name + "(v." + variable
                        + "); '" + variable + "' is not a pattern variable (pattern variables are "
                        + scope.variableList() + ")");
            } else {
                out.error(arg.span(), "unknown variable '" + variable + "' in " + name + "(" + ref.dotted()
                        + "); pattern variables are " + scope.variableList());
            }
            return Type.UNKNOWN;
        }
        if (scope.variables.get(variable).negated()) {
            out.error(arg.span(), "'" + variable + "' is negated (!" + variable + ") and never holds an event, so "
                    + name + "(" + ref.dotted() + ") " + (wantsField ? "has no value" : "is always 0"));
            return Type.UNKNOWN;
        }
        if (!wantsField) {
            if (ref.path().size() > 1) {
                out.error(arg.span(), name + " counts the events of a variable: write " + name + "(" + variable
                        + "), not " + name + "(" + ref.dotted() + ")");
            }
            return Type.LONG;
        }
        if (ref.path().size() == 1) {
            out.error(arg.span(), name + " needs a field of " + variable + ": write " + name + "(" + variable
                    + ".field)");
            return Type.UNKNOWN;
        }
        String field = String.join(".", ref.path().subList(1, ref.path().size()));
        Type type = expressions.field(ref, field, scope.fieldsOf(variable), variable);
        return result(signature, ref, type);
    }

    private Type result(Functions.Signature signature, Expr.Ref ref, Type field) {
        switch (signature.result()) {
            case FIELD:
                if ((signature.name().equals("MIN") || signature.name().equals("MAX")) && field == Type.BOOLEAN) {
                    out.error(ref.span(), signature.name() + " needs numbers or strings, but " + ref.dotted()
                            + " is a BOOLEAN");
                }
                return field;
            case SUM:
            case DOUBLE:
                if (!field.open() && !field.numeric()) {
                    out.error(ref.span(), signature.name() + " needs a numeric field, but " + ref.dotted() + " is "
                            + field.describe());
                    return Type.UNKNOWN;
                }
                if (signature.result() == Functions.Result.DOUBLE) {
                    return Type.DOUBLE;
                }
                return field == Type.DOUBLE ? Type.DOUBLE : field.open() ? Type.UNKNOWN : Type.LONG;
            case LONG:
                return Type.LONG;
            default:
                throw new AssertionError(signature);
        }
    }
}

package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ast.Expr;
import java.util.List;

/**
 * Checks windowed aggregates, {@code AVG(amount) OVER (LAST 1 HOUR)}: one of COUNT, SUM, AVG, MIN, MAX; {@code *}
 * for COUNT only; an argument that is a field of the events (read on each event of the window in turn), not a
 * pattern variable's; a number for all but COUNT; and a place in a condition ({@code DEFINE}, {@code UNTIL}), which
 * is evaluated for one event of the key, not in {@code EMIT}.
 */
final class WindowedAggregates {
    private static final List<String> FUNCTIONS = List.of("COUNT", "SUM", "AVG", "MIN", "MAX");

    private final Diagnostics out;
    private final RuleScope scope;

    WindowedAggregates(Diagnostics out, RuleScope scope) {
        this.out = out;
        this.scope = scope;
    }

    Type check(Expr.Windowed windowed, FieldSet current, ExpressionChecker expressions) {
        String function = windowed.function();
        if (!FUNCTIONS.contains(function)) {
            out.error(windowed.span(), "OVER windows take COUNT, SUM, AVG, MIN or MAX, not " + function);
            return Type.UNKNOWN;
        }
        Expr argument = windowed.argument();
        if (argument == null) {
            if (!function.equals("COUNT")) {
                out.error(windowed.span(), function + "(*) is not an aggregate; only COUNT(*) counts the events, "
                        + "e.g. COUNT(*) OVER (LAST 10 MINUTES)");
                return Type.UNKNOWN;
            }
            return Type.LONG;
        }
        if (!eventField(argument)) {
            return Type.UNKNOWN;
        }
        Type type = expressions.typeOf(argument, current);
        if (function.equals("COUNT")) {
            return Type.LONG;
        }
        if (!type.open() && !type.numeric()) {
            out.error(argument.span(), function + " OVER needs a number, but " + ExpressionChecker.text(argument)
                    + " is " + type.describe());
            return Type.UNKNOWN;
        }
        return function.equals("AVG") ? Type.DOUBLE : type.open() ? Type.UNKNOWN : type;
    }

    /** Whether {@code argument} is a field of the event; reports it when not. */
    private boolean eventField(Expr argument) {
        if (!(argument instanceof Expr.Ref ref)) {
            out.error(argument.span(), "an OVER window aggregates a field of the key's events, e.g. AVG(amount) "
                    + "OVER (LAST 1 HOUR), not " + ExpressionChecker.text(argument));
            return false;
        }
        if (scope.isVariable(ref.path().get(0))) {
            out.error(ref.span(), "an OVER window aggregates the key's events, not pattern variable '"
                    + ref.path().get(0) + "'" + (ref.path().size() > 1 ? "; write "
                    + String.join(".", ref.path().subList(1, ref.path().size())) + " for the field of each event"
                    : ""));
            return false;
        }
        return true;
    }

    /** Reports each windowed aggregate in {@code expr}, which is evaluated once for a whole match ({@code clause}). */
    void refuse(Expr expr, String clause) {
        if (expr instanceof Expr.Windowed) {
            out.error(expr.span(), "OVER windows belong in DEFINE conditions, which are evaluated for one event of "
                    + "the key; " + clause + " is evaluated for the whole match");
            return;
        }
        for (Expr child : NestingDepth.children(expr)) {
            refuse(child, clause);
        }
    }
}

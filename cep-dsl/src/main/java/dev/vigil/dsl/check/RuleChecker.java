package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one rule: its pattern against Flink CEP's rules, its DEFINE list against the pattern, the skip
 * target, the windows, the partition key, and every expression with {@link ExpressionChecker}.
 */
final class RuleChecker {
    private final Diagnostics out;
    private final Map<String, StreamDecl> declared;
    private final ParseLimits limits;

    RuleChecker(Diagnostics out, Map<String, StreamDecl> declared, ParseLimits limits) {
        this.out = out;
        this.declared = declared;
        this.limits = limits;
    }

    void check(Rule rule) {
        RuleScope scope = new RuleScope(rule, declared);
        new PatternChecker(out, limits.maxRepeatCount()).check(rule);
        ExpressionChecker expressions = new ExpressionChecker(out, scope);
        defines(rule, scope, expressions);
        skip(rule.skip(), scope);
        windows(rule);
        partition(rule);
        emit(rule.emit(), "EMIT", scope, expressions);
        if (rule.timeoutEmit() != null) {
            emit(rule.timeoutEmit(), "ON TIMEOUT EMIT", scope, expressions);
        }
        new SinkChecker(out).check(rule.sinks());
    }

    private void defines(Rule rule, RuleScope scope, ExpressionChecker expressions) {
        Set<String> defined = new HashSet<>();
        for (VarDef def : rule.defines()) {
            if (!defined.add(def.name())) {
                out.error(def.span(), "'" + def.name() + "' is defined twice; DEFINE each variable once and join "
                        + "its conditions with AND");
            }
            RuleScope.Variable variable = scope.variables.get(def.name());
            if (variable == null) {
                List<String> close = Suggestions.closest(def.name(), scope.variables.keySet());
                out.error(def.span(), "'" + def.name() + "' is defined but does not appear in PATTERN; "
                        + (close.isEmpty() ? "pattern variables are " + scope.variableList()
                        : "did you mean " + Suggestions.list(close, "or") + "?"));
            }
            if (def.stream() != null && !rule.from().contains(def.stream())) {
                notInFrom(def, def.stream(), rule);
            }
            FieldSet fields = scope.fieldsOf(def.name());
            if (def.condition() != null && !bindsUnlistedStream(def, rule, fields)) {
                expressions.condition(def.condition(), fields, "the condition of '" + def.name() + "'");
            }
            if (def.until() != null) {
                if (variable != null && !loopsUnbounded(variable.stage())) {
                    out.error(def.until().span(), "UNTIL applies only to a variable that loops without an upper "
                            + "bound (+, *, {n,}); " + stageText(variable.stage()) + " does not (Flink CEP: The "
                            + "until condition is only applicable to looping states)");
                }
                expressions.condition(def.until(), fields, "UNTIL of '" + def.name() + "'");
            }
        }
    }

    /** {@code v AS logins} where {@code logins} is a declared stream missing from FROM: report it as such. */
    private boolean bindsUnlistedStream(VarDef def, Rule rule, FieldSet fields) {
        if (def.condition() instanceof Expr.Ref ref && ref.path().size() == 1) {
            String name = ref.path().get(0);
            if (declared.containsKey(name) && !rule.from().contains(name)
                    && (fields == null || fields.lookup(name) == null)) {
                notInFrom(def, name, rule);
                return true;
            }
        }
        return false;
    }

    private void notInFrom(VarDef def, String stream, Rule rule) {
        out.error(def.condition() != null ? def.condition().span() : def.span(), "stream '" + stream + "' is bound "
                + "in DEFINE but not listed in FROM; add it: FROM " + String.join(", ", rule.from()) + ", " + stream);
    }

    private static boolean loopsUnbounded(Pattern.Stage stage) {
        return stage.quantifier() != null && stage.quantifier().max() == Pattern.Quantifier.UNBOUNDED;
    }

    private static String stageText(Pattern.Stage stage) {
        Pattern.Stage alone = new Pattern.Stage(Pattern.Contiguity.STRICT, stage.negated(), stage.element(),
                stage.quantifier(), stage.span());
        return "'" + RulePrinter.print(new Pattern(List.of(alone), stage.span())) + "'";
    }

    private void skip(AfterMatchSkip skip, RuleScope scope) {
        if (skip == null || skip.variable() == null) {
            return;
        }
        String clause = "AFTER MATCH SKIP " + (skip.kind() == AfterMatchSkip.Kind.TO_FIRST ? "TO FIRST" : "TO LAST");
        RuleScope.Variable variable = scope.variables.get(skip.variable());
        if (variable == null) {
            List<String> close = Suggestions.closest(skip.variable(), scope.variables.keySet());
            out.error(skip.span(), "unknown variable '" + skip.variable() + "' in " + clause + "; "
                    + (close.isEmpty() ? "pattern variables are " + scope.variableList()
                    : "did you mean " + Suggestions.list(close, "or") + "?"));
        } else if (variable.negated()) {
            out.error(skip.span(), clause + " cannot name '" + skip.variable() + "': it is negated and never holds "
                    + "an event");
        } else if (variable.inGroup()) {
            out.error(skip.span(), clause + " can only name a variable outside groups, and '" + skip.variable()
                    + "' is inside one (Flink CEP: The pattern name specified in AfterMatchSkipStrategy can not be "
                    + "found in the given Pattern)");
        }
    }

    private void windows(Rule rule) {
        if (rule.timeoutEmit() != null && rule.within() == null && rule.gapWithin() == null
                && !rule.pattern().hasStageWindow()) {
            out.error(rule.span(), "rule '" + rule.name() + "' has ON TIMEOUT EMIT but no WITHIN; a partial match "
                    + "only times out when a window closes, so add e.g. WITHIN 10 MINUTES");
        }
        if (rule.within() != null && rule.gapWithin() != null && rule.gapWithin().millis() > rule.within().millis()) {
            out.error(rule.gapWithin().span(), "WITHIN " + RulePrinter.duration(rule.gapWithin().millis())
                    + " BETWEEN EVENTS is longer than the whole match may last (WITHIN "
                    + RulePrinter.duration(rule.within().millis()) + "); expected at most that (Flink CEP rejects "
                    + "a gap window larger than the pattern window)");
        }
    }

    private void partition(Rule rule) {
        Set<String> keys = new HashSet<>();
        for (FieldPath key : rule.partitionBy()) {
            if (!keys.add(key.dotted())) {
                out.error(key.span(), "PARTITION BY lists '" + key.dotted() + "' twice");
                continue;
            }
            for (String stream : rule.from()) {
                StreamDecl decl = declared.get(stream);
                if (decl == null) {
                    continue;
                }
                FieldSet fields = FieldSet.of(decl);
                if (fields.lookup(key.dotted()) == null) {
                    out.error(key.span(), "PARTITION BY field '" + key.dotted() + "' is not declared in stream "
                            + stream + "; " + fields.describe());
                }
            }
        }
    }

    private void emit(List<EmitField> fields, String clause, RuleScope scope, ExpressionChecker expressions) {
        Set<String> names = new HashSet<>();
        for (EmitField field : fields) {
            if (!names.add(field.name())) {
                out.error(field.span(), clause + " field '" + field.name() + "' is given twice; alert fields need "
                        + "distinct names");
            }
            expressions.typeOf(field.expression(), scope.fromFields);
            expressions.windows.refuse(field.expression(), clause);
        }
    }
}

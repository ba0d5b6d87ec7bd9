package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Pattern.Quantifier;
import dev.vigil.dsl.ast.Pattern.Stage;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rejects pattern shapes that Flink CEP 1.20 refuses to build, so that every accepted rule has a Flink
 * equivalent with the same meaning. Each rule below mirrors an exception thrown by Flink's {@code Pattern},
 * {@code Quantifier} or {@code NFACompiler} for a shape our syntax can express:
 * <ul>
 *   <li>a negation first in a pattern or group ({@code begin()} cannot be negated), or last in a group;
 *   <li>a negated group, or a negated stage with a quantifier ("Option not applicable to NOT pattern");
 *   <li>{@code ->>} before a negation (there is no followedByAny negation);
 *   <li>a negation right after an optional stage ("optional path to NOT condition is not supported");
 *   <li>a trailing {@code -> !b} without {@code WITHIN} ("NotFollowedBy is not supported without windowTime");
 *       a trailing {@code a !b} (notNext) needs no window: it is decided by the key's next event;
 *   <li>GREEDY on a group, on a quantifier that cannot repeat ("singleton quantifier"), or on a loop whose
 *       inner contiguity is COMBINATIONS ("Option not applicable to FollowedByAny pattern");
 *   <li>CONSECUTIVE / RELAXED / COMBINATIONS on a quantifier that cannot repeat;
 *   <li>an optional stage right after a greedy one ("Optional pattern cannot be preceded by greedy pattern");
 *   <li>a variable used twice ("Duplicate pattern name");
 *   <li>{@code WITHIN d OF PREVIOUS} longer than {@code WITHIN} ("The window length between the previous and
 *       current event cannot be larger than ..."), on a group, on a loop or a {@code -> !b} that is not last
 *       (which Flink silently ignores) or on the pattern's first stage (which has no previous event);
 *   <li>a GREEDY optional loop with UNTIL after a notFollowedBy with only optional stages between them, which
 *       Flink builds into an NFA that fails with a NullPointerException (or does not build at all).
 * </ul>
 * It also bounds the counts of quantifiers ({@link ParseLimits#maxRepeatCount}): Flink unrolls {@code times(n)}
 * into n states, so a count is the size of the automaton, and a count in the millions would exhaust the compiler.
 */
final class PatternChecker {
    private final Diagnostics out;
    private final Set<String> seen = new HashSet<>();
    private final int maxRepeatCount;
    private final AlternationChecker alternatives;
    private Rule rule;

    PatternChecker(Diagnostics out, int maxRepeatCount) {
        this.out = out;
        this.maxRepeatCount = maxRepeatCount;
        this.alternatives = new AlternationChecker(out);
    }

    void check(Rule rule) {
        this.rule = rule;
        sequence(rule.pattern(), false);
        Stage first = rule.pattern().stages().get(0);
        while (first.gap() == null && !first.element().bodies().isEmpty()) {
            first = first.element().bodies().get(0).stages().get(0);
        }
        if (first.gap() != null && first.element() instanceof Pattern.Variable) {
            out.error(first.gap().span(), "WITHIN ... OF PREVIOUS on " + text(first) + ", the first stage of the "
                    + "pattern, bounds nothing: no event comes before it; bound the whole match with WITHIN instead");
        }
        List<Stage> stages = rule.pattern().stages();
        Stage last = stages.get(stages.size() - 1);
        if (last.negated() && last.contiguity() == Contiguity.RELAXED && rule.within() == null) {
            out.error(last.span(), "a negation at the end of a pattern needs WITHIN: the absence of " + text(last)
                    + " is only known when the window closes (Flink CEP: NotFollowedBy is not supported without "
                    + "windowTime as a last part of a Pattern); add e.g. WITHIN 10 MINUTES"
                    + (rule.gapWithin() != null ? " (WITHIN ... BETWEEN EVENTS alone does not close it)"
                            : rule.pattern().hasStageWindow() ? " (WITHIN ... OF PREVIOUS alone does not close it)"
                            : ""));
        }
    }

    private void sequence(Pattern pattern, boolean inGroup) {
        List<Stage> stages = pattern.stages();
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            Stage previous = i == 0 ? null : stages.get(i - 1);
            alternatives.check(stage);
            if (stage.element() instanceof Pattern.Variable v && !seen.add(v.name())) {
                out.error(v.span(), "variable '" + v.name() + "' appears twice in the pattern; Flink CEP needs a "
                        + "unique name per stage: rename one (e.g. " + v.name() + "2) and DEFINE it alike");
            }
            if (stage.negated()) {
                negation(stage, previous, inGroup, i == stages.size() - 1);
            }
            if (stage.quantifier() != null) {
                quantifier(stage, i == 0 ? Contiguity.STRICT : stage.contiguity());
            }
            if (previous != null && isOptional(stage) && previous.quantifier() != null
                    && previous.quantifier().greedy()) {
                out.error(stage.span(), "Flink CEP does not allow an optional stage right after a greedy one "
                        + "(Optional pattern cannot be preceded by greedy pattern); drop GREEDY from "
                        + text(previous) + " or make " + text(stage) + " required");
            }
            Stage negation = isGreedyOptionalLoopWithUntil(stage) ? notFollowedByBefore(stages, i) : null;
            if (negation != null) {
                out.error(stage.span(), "Flink CEP 1.20 accepts a GREEDY optional loop with UNTIL after '-> "
                        + text(negation).replace("'", "") + "' (with only optional stages between them) but then "
                        + "fails while matching (a NullPointerException in its NFA); drop GREEDY or UNTIL, make "
                        + text(stage) + " required, or put a required stage between them");
            }
            if (stage.gap() != null) {
                stageWindow(stage, i == stages.size() - 1 && !inGroup);
            }
            if (stage.element() instanceof Pattern.Alternation alternation) {
                branches(alternation);
            } else {
                for (Pattern body : stage.element().bodies()) {
                    sequence(body, true);
                }
            }
        }
    }

    /** Each branch is checked against the variables bound before the alternation: a name may recur across branches. */
    private void branches(Pattern.Alternation alternation) {
        Set<String> before = new HashSet<>(seen);
        Set<String> after = new HashSet<>(seen);
        for (Pattern branch : alternation.branches()) {
            seen.clear();
            seen.addAll(before);
            sequence(branch, true);
            after.addAll(seen);
        }
        seen.clear();
        seen.addAll(after);
    }

    /** {@code b WITHIN d OF PREVIOUS}: Flink's {@code within(d, PREVIOUS_AND_CURRENT)} on one stage. */
    private void stageWindow(Stage stage, boolean lastOfPattern) {
        if (!(stage.element() instanceof Pattern.Variable)) {
            out.error(stage.gap().span(), "WITHIN ... OF PREVIOUS applies to a single variable, not a group; put it "
                    + "on the stage inside the group whose event it bounds");
        } else if (stage.quantifier() != null && stage.quantifier().looping()) {
            out.error(stage.gap().span(), "WITHIN ... OF PREVIOUS cannot bound " + text(stage) + ", which repeats: "
                    + "Flink CEP 1.20 silently ignores a PREVIOUS_AND_CURRENT window on a stage with times() or "
                    + "oneOrMore(); bound the stage after the loop, or the whole match with WITHIN");
        } else if (stage.negated() && stage.contiguity() == Contiguity.RELAXED && !lastOfPattern) {
            out.error(stage.gap().span(), "WITHIN ... OF PREVIOUS cannot bound " + text(stage) + " before another "
                    + "stage: Flink CEP 1.20 silently ignores a PREVIOUS_AND_CURRENT window on a notFollowedBy that is "
                    + "not last; bound the stage after it");
        } else if (rule.within() != null && stage.gap().millis() > rule.within().millis()) {
            out.error(stage.gap().span(), "WITHIN " + RulePrinter.duration(stage.gap().millis()) + " OF PREVIOUS is "
                    + "longer than the whole match may last (WITHIN " + RulePrinter.duration(rule.within().millis())
                    + "); expected at most that (Flink CEP rejects a gap window larger than the pattern window)");
        }
    }

    private void negation(Stage stage, Stage previous, boolean inGroup, boolean last) {
        String where = inGroup ? "a group" : "a pattern";
        if (previous == null) {
            out.error(stage.span(), where + " cannot start with a negation: Flink CEP begins "
                    + (inGroup ? "a group" : "a pattern") + " with a stage that matches an event; put a stage "
                    + "before " + text(stage));
            return;
        }
        if (!(stage.element() instanceof Pattern.Variable)) {
            out.error(stage.span(), "only a single variable can be negated, not "
                    + (stage.element() instanceof Pattern.Group ? "a group" : "an alternation or a permutation")
                    + ": Flink CEP has no negated group patterns");
            return;
        }
        if (stage.quantifier() != null) {
            out.error(stage.quantifier().span(), "a negated stage cannot take a quantifier: " + text(stage)
                    + " means no such event at all (Flink CEP: Option not applicable to NOT pattern)");
        }
        if (stage.contiguity() == Contiguity.NON_DETERMINISTIC) {
            out.error(stage.span(), "'->>' cannot come before a negation: Flink CEP negates with notNext (write "
                    + "a !b) or notFollowedBy (write a -> !b), and has no followedByAny negation");
        }
        if (isOptional(previous)) {
            out.error(stage.span(), "Flink CEP cannot negate after an optional stage (" + text(previous)
                    + "); write two rules, one with and one without it");
        }
        if (inGroup && last) {
            out.error(stage.span(), stage.contiguity() == Contiguity.RELAXED
                    ? "a group cannot end with '-> " + text(stage).replace("'", "") + "': Flink CEP silently ignores a "
                    + "notFollowedBy at the end of a group; move it after the group"
                    : "a group cannot end with a negation; move " + text(stage) + " after the group");
        }
    }

    /** {@code operator}: the contiguity written before the stage, which a loop's events follow by default. */
    private void quantifier(Stage stage, Contiguity operator) {
        Quantifier q = stage.quantifier();
        int count = Math.max(q.from(), q.max());
        if (count > maxRepeatCount) {
            out.exceeded(q.span(), "quantifier " + text(stage) + " counts to " + count + ", over the limit of "
                    + maxRepeatCount + " (" + ParseLimits.REPEAT_COUNT + "): Flink CEP unrolls a counted quantifier "
                    + "into one state per repetition; lower the count (+ and * loop in one state whatever the "
                    + "number of events)", ParseLimits.REPEAT_COUNT);
        }
        boolean repeats = q.max() == Quantifier.UNBOUNDED || q.max() > 1;
        if (q.inner() != null && !repeats) {
            out.error(q.span(), innerName(q.inner()) + " applies only to a quantifier that repeats; "
                    + text(stage) + " takes at most one event");
        }
        if (!q.greedy() || stage.negated()) {
            return;
        }
        if (!(stage.element() instanceof Pattern.Variable)) {
            out.error(q.span(), "GREEDY cannot apply to a group (Flink CEP: Option not applicable to group "
                    + "pattern); make a stage inside the group greedy instead");
        } else if (!repeats) {
            out.error(q.span(), "GREEDY needs a quantifier that repeats (+, *, {n,}, {n,m}); " + text(stage)
                    + " takes at most one event");
        } else if (q.inner() == Contiguity.NON_DETERMINISTIC) {
            out.error(q.span(), "GREEDY cannot be combined with COMBINATIONS (Flink CEP: Option not applicable "
                    + "to FollowedByAny pattern)");
        } else if (q.inner() == null && operator == Contiguity.NON_DETERMINISTIC) {
            out.error(q.span(), "a loop after '->>' takes every combination of events, which cannot be GREEDY "
                    + "(Flink CEP: Option not applicable to FollowedByAny pattern); add CONSECUTIVE or RELAXED, "
                    + "or use '->'");
        }
    }

    /** The {@code -> !x} reached from stage {@code i} going back over optional stages only, or null. */
    private static Stage notFollowedByBefore(List<Stage> stages, int i) {
        for (int j = i - 1; j >= 0; j--) {
            Stage before = stages.get(j);
            if (before.negated()) {
                return before.contiguity() == Contiguity.RELAXED ? before : null;
            }
            if (!isOptional(before)) {
                return null;
            }
        }
        return null;
    }

    private boolean isGreedyOptionalLoopWithUntil(Stage stage) {
        if (!(stage.element() instanceof Pattern.Variable variable) || !isOptional(stage)
                || !stage.quantifier().greedy()) {
            return false;
        }
        var definition = rule.define(variable.name());
        return definition != null && definition.until() != null;
    }

    private static boolean isOptional(Stage stage) {
        return stage.quantifier() != null && stage.quantifier().optional();
    }

    private static String innerName(Contiguity inner) {
        return inner == Contiguity.STRICT ? "CONSECUTIVE" : inner == Contiguity.RELAXED ? "RELAXED" : "COMBINATIONS";
    }

    /** The stage as written, for messages: {@code 'a?'}, {@code '!b'}. */
    private static String text(Stage stage) {
        Stage alone = new Stage(Contiguity.STRICT, stage.negated(), stage.element(), stage.quantifier(),
                stage.span());
        return "'" + RulePrinter.print(new Pattern(List.of(alone), stage.span())) + "'";
    }
}

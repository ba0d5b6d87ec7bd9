package dev.vigil.nfa.differential;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import java.util.List;

/**
 * A difference between Vigil and Flink CEP 1.20 that the project's documentation states as intended. The
 * differential test tolerates a disagreement only in a case whose predicate holds, and nothing else; the case
 * is still run and compared, and tolerated disagreements are counted and shown. Every Flink quirk listed in
 * docs/semantics.md is followed, so needs no entry. {@code DocumentedDifferenceTest} checks that each
 * {@link #section()} is still written in its document, and that every "Intentional differences" bullet of
 * docs/semantics.md has an OUTPUT entry, so the exclusions cannot drift from the documentation.
 *
 * @param document the file under docs/ that documents the difference
 * @param section the words of that document that state it (a bold title, or an item of a list of
 *     rejected shapes)
 * @param kind what the difference tolerates
 */
record DocumentedDifference(String document, String section, Kind kind, Applies applies) {
    static final String SEMANTICS = "semantics.md";
    static final String RULE_LANGUAGE = "rule-language.md";

    enum Kind {
        /** Both run, and their outputs may differ. */
        OUTPUT,
        /** Vigil's checker rejects a shape Flink accepts. */
        REJECTION
    }

    @FunctionalInterface
    interface Applies {
        /** @param vigil what Vigil did: a {@code Ran} for OUTPUT, a {@code Rejected} for REJECTION */
        boolean test(DiffCase diffCase, CepUnderTest.Result vigil);
    }

    static final List<DocumentedDifference> ALL = List.of(
            // Vigil drops the oldest partial matches past a per-key bound; Flink keeps all. (A work-bound trip
            // drops partial matches too, but is attributed to the entry below.)
            new DocumentedDifference(SEMANTICS, "Partial-match bound", Kind.OUTPUT,
                    (diffCase, vigil) -> vigil instanceof CepUnderTest.Ran ran && ran.droppedPartialMatches() > 0
                            && ran.overWorkBound() == 0),
            // Vigil drops a key's partial matches when one event costs it more than the work bound; Flink has none.
            new DocumentedDifference(SEMANTICS, "Work bound", Kind.OUTPUT,
                    (diffCase, vigil) -> vigil instanceof CepUnderTest.Ran ran && ran.overWorkBound() > 0),
            // Vigil evicts the keys holding partial matches the longest past a bound on keys; Flink keeps all.
            new DocumentedDifference(SEMANTICS, "Key bound", Kind.OUTPUT,
                    (diffCase, vigil) -> vigil instanceof CepUnderTest.Ran ran && ran.evictedKeys() > 0),
            // Flink's window test overflows at the end-of-input watermark for runs started before the epoch.
            new DocumentedDifference(SEMANTICS, "Timeouts before the epoch at the end of input", Kind.OUTPUT,
                    (diffCase, vigil) -> diffCase.events().stream().anyMatch(event -> event.ts() < 0)),
            // Flink may register extra WITHIN timers per watermark batch; with per-event windows that can
            // reorder timeouts or, under a skip strategy, change which held match a later pruning removes.
            new DocumentedDifference(SEMANTICS, "New-run timers within one batch", Kind.OUTPUT,
                    (diffCase, vigil) -> (diffCase.rule().gapWithin() != null
                            || diffCase.rule().pattern().hasStageWindow()) && diffCase.rule().within() != null),


            // Shapes Flink accepts and Vigil refuses ("Shapes Vigil refuses although Flink accepts them").
            new DocumentedDifference(SEMANTICS, "Trailing negation needs WITHIN", Kind.REJECTION,
                    (diffCase, vigil) -> endsWithNotFollowedBy(diffCase.rule().pattern())
                            && diffCase.rule().within() == null),
            new DocumentedDifference(SEMANTICS, "ON TIMEOUT EMIT needs a window", Kind.REJECTION,
                    (diffCase, vigil) -> diffCase.rule().timeoutEmit() != null && diffCase.rule().within() == null
                            && diffCase.rule().gapWithin() == null && !diffCase.rule().pattern().hasStageWindow()),
            new DocumentedDifference(SEMANTICS, "A negation at the end of a group", Kind.REJECTION,
                    (diffCase, vigil) -> hasGroupEndingWithNegation(diffCase.rule().pattern())),
            new DocumentedDifference(SEMANTICS, "SKIP TO a negated variable", Kind.REJECTION,
                    (diffCase, vigil) -> skipsToNegatedVariable(diffCase.rule())),
            new DocumentedDifference(SEMANTICS, "BETWEEN EVENTS longer than WITHIN", Kind.REJECTION,
                    (diffCase, vigil) -> diffCase.rule().within() != null && diffCase.rule().gapWithin() != null
                            && diffCase.rule().gapWithin().millis() > diffCase.rule().within().millis()),
            new DocumentedDifference(SEMANTICS, "GREEDY optional loop with UNTIL after notFollowedBy",
                    Kind.REJECTION, (diffCase, vigil) -> hasGreedyOptionalUntilAfterNotFollowedBy(diffCase.rule())),
            new DocumentedDifference(SEMANTICS, "A window OF PREVIOUS on a loop or a notFollowedBy", Kind.REJECTION,
                    (diffCase, vigil) -> hasIgnoredStageWindow(diffCase.rule().pattern(), true)),
            new DocumentedDifference(SEMANTICS, "A window OF PREVIOUS on the first stage", Kind.REJECTION,
                    (diffCase, vigil) -> firstVariable(diffCase.rule().pattern()).gap() != null));

    /** The documented difference of this kind that covers the case, or null. */
    static DocumentedDifference covering(Kind kind, DiffCase diffCase, CepUnderTest.Result vigil) {
        for (DocumentedDifference difference : ALL) {
            if (difference.kind() == kind && difference.applies().test(diffCase, vigil)) {
                return difference;
            }
        }
        return null;
    }

    private static boolean endsWithNegation(Pattern pattern) {
        return pattern.stages().get(pattern.stages().size() - 1).negated();
    }

    private static boolean endsWithNotFollowedBy(Pattern pattern) {
        Pattern.Stage last = pattern.stages().get(pattern.stages().size() - 1);
        return last.negated() && last.contiguity() == Pattern.Contiguity.RELAXED;
    }

    private static boolean hasGroupEndingWithNegation(Pattern pattern) {
        for (Pattern.Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Group group
                    && (endsWithNegation(group.body()) || hasGroupEndingWithNegation(group.body()))) {
                return true;
            }
        }
        return false;
    }

    /** A GREEDY optional loop with UNTIL reached from a {@code -> !x} over optional stages only, in any group. */
    private static boolean hasGreedyOptionalUntilAfterNotFollowedBy(Rule rule) {
        return hasGreedyOptionalUntilAfterNotFollowedBy(rule, rule.pattern());
    }

    private static boolean hasGreedyOptionalUntilAfterNotFollowedBy(Rule rule, Pattern pattern) {
        List<Pattern.Stage> stages = pattern.stages();
        for (int i = 0; i < stages.size(); i++) {
            Pattern.Stage stage = stages.get(i);
            if (stage.element() instanceof Pattern.Group group
                    && hasGreedyOptionalUntilAfterNotFollowedBy(rule, group.body())) {
                return true;
            }
            if (!(stage.element() instanceof Pattern.Variable variable) || stage.quantifier() == null
                    || !stage.quantifier().optional() || !stage.quantifier().greedy()
                    || rule.define(variable.name()) == null || rule.define(variable.name()).until() == null) {
                continue;
            }
            for (int j = i - 1; j >= 0; j--) {
                Pattern.Stage before = stages.get(j);
                if (before.negated()) {
                    if (before.contiguity() == Pattern.Contiguity.RELAXED) {
                        return true;
                    }
                    break;
                }
                if (before.quantifier() == null || !before.quantifier().optional()) {
                    break;
                }
            }
        }
        return false;
    }

    private static Pattern.Stage firstVariable(Pattern pattern) {
        Pattern.Stage first = pattern.stages().get(0);
        return first.element() instanceof Pattern.Group group ? firstVariable(group.body()) : first;
    }

    /** A stage window on a loop, or on a {@code -> !x} other than the pattern's last stage, in any group. */
    private static boolean hasIgnoredStageWindow(Pattern pattern, boolean top) {
        List<Pattern.Stage> stages = pattern.stages();
        for (int i = 0; i < stages.size(); i++) {
            Pattern.Stage stage = stages.get(i);
            boolean loop = stage.quantifier() != null && stage.quantifier().looping();
            boolean notFollowedBy = stage.negated() && stage.contiguity() == Pattern.Contiguity.RELAXED
                    && !(top && i == stages.size() - 1);
            if (stage.gap() != null && (loop || notFollowedBy)
                    || stage.element() instanceof Pattern.Group group && hasIgnoredStageWindow(group.body(), false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean skipsToNegatedVariable(Rule rule) {
        if (rule.skip().variable() == null) {
            return false;
        }
        for (Pattern.Stage stage : rule.pattern().stages()) {
            if (stage.negated() && stage.element() instanceof Pattern.Variable variable
                    && variable.name().equals(rule.skip().variable())) {
                return true;
            }
        }
        return false;
    }
}

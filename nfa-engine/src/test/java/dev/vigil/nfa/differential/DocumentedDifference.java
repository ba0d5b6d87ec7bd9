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
            // Vigil drops the oldest partial matches past a per-key bound; Flink keeps all.
            new DocumentedDifference(SEMANTICS, "Partial-match bound", Kind.OUTPUT,
                    (diffCase, vigil) -> vigil instanceof CepUnderTest.Ran ran && ran.droppedPartialMatches() > 0),
            // Flink may register extra WITHIN timers per watermark batch; with per-event windows and a skip
            // strategy an earlier timeout can change which held match a later pruning removes.
            new DocumentedDifference(SEMANTICS, "New-run timers within one batch", Kind.OUTPUT,
                    (diffCase, vigil) -> diffCase.rule().gapWithin() != null
                            && diffCase.rule().skip().kind() != AfterMatchSkip.Kind.NO_SKIP),

            // The shapes below are listed as compile errors (both documents call them shapes Flink refuses;
            // Flink in fact accepts these ones, see the focused tests).
            new DocumentedDifference(SEMANTICS, "a trailing negation without any window", Kind.REJECTION,
                    (diffCase, vigil) -> endsWithNegation(diffCase.rule().pattern())
                            && diffCase.rule().within() == null && diffCase.rule().gapWithin() == null),
            new DocumentedDifference(RULE_LANGUAGE, "a negation at the end of a group: move it after the group",
                    Kind.REJECTION, (diffCase, vigil) -> hasGroupEndingWithNegation(diffCase.rule().pattern())),
            new DocumentedDifference(RULE_LANGUAGE,
                    "`AFTER MATCH SKIP TO FIRST/LAST v` with `v` inside a group or negated", Kind.REJECTION,
                    (diffCase, vigil) -> skipsToNegatedVariable(diffCase.rule())),
            new DocumentedDifference(RULE_LANGUAGE, "`WITHIN ... BETWEEN EVENTS` longer than `WITHIN`",
                    Kind.REJECTION, (diffCase, vigil) -> diffCase.rule().within() != null
                            && diffCase.rule().gapWithin() != null
                            && diffCase.rule().gapWithin().millis() > diffCase.rule().within().millis()));

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

    private static boolean hasGroupEndingWithNegation(Pattern pattern) {
        for (Pattern.Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Group group
                    && (endsWithNegation(group.body()) || hasGroupEndingWithNegation(group.body()))) {
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

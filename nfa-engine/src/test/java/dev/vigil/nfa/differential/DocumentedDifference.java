package dev.vigil.nfa.differential;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import java.util.List;

/**
 * A difference between Vigil and Flink CEP 1.20 that {@code docs/semantics.md} documents as intended (every
 * Flink quirk listed there is followed, so needs none). The differential test tolerates a disagreement only
 * in a case whose predicate holds, and nothing else; the case is still run and compared, and the tolerated
 * disagreements are counted and shown. {@code DocumentedDifferenceTest} checks that each {@link #section()}
 * is still written in the document, so an exclusion cannot outlive its documentation.
 *
 * @param section the words of docs/semantics.md that document the difference (a bold title, or the phrase
 *     in the list of rejected shapes)
 * @param kind what the difference tolerates
 */
record DocumentedDifference(String section, Kind kind, Applies applies) {

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
            new DocumentedDifference("Partial-match bound", Kind.OUTPUT,
                    (diffCase, vigil) -> vigil instanceof CepUnderTest.Ran ran && ran.droppedPartialMatches() > 0),
            // Flink may register extra WITHIN timers per watermark batch; with per-event windows and a skip
            // strategy an earlier timeout can change which held match a later pruning removes.
            new DocumentedDifference("New-run timers within one batch", Kind.OUTPUT,
                    (diffCase, vigil) -> diffCase.rule().gapWithin() != null
                            && diffCase.rule().skip().kind() != AfterMatchSkip.Kind.NO_SKIP),
            // Flink refuses only a trailing notFollowedBy without a window; Vigil refuses every trailing
            // negation without one, notNext included.
            new DocumentedDifference("a trailing negation without any window", Kind.REJECTION,
                    (diffCase, vigil) -> endsWithNegation(diffCase.rule()) && diffCase.rule().within() == null
                            && diffCase.rule().gapWithin() == null));

    /** The documented difference of this kind that covers the case, or null. */
    static DocumentedDifference covering(Kind kind, DiffCase diffCase, CepUnderTest.Result vigil) {
        for (DocumentedDifference difference : ALL) {
            if (difference.kind() == kind && difference.applies().test(diffCase, vigil)) {
                return difference;
            }
        }
        return null;
    }

    private static boolean endsWithNegation(Rule rule) {
        List<Pattern.Stage> stages = rule.pattern().stages();
        return stages.get(stages.size() - 1).negated();
    }
}

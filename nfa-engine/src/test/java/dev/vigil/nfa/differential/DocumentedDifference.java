package dev.vigil.nfa.differential;

import dev.vigil.dsl.ast.AfterMatchSkip;
import java.util.List;

/**
 * An intentional difference between Vigil and Flink CEP 1.20, as documented in {@code docs/semantics.md}
 * ("Intentional differences"; every Flink quirk listed there is followed, so needs none). A case the
 * predicate applies to is still run and compared; only a disagreement in it is counted as explained by
 * the section instead of failing. {@link #ALL} must list exactly the documented sections:
 * {@code DocumentedDifferenceTest} checks both directions against the document.
 *
 * @param section the bold title of the bullet in docs/semantics.md
 */
record DocumentedDifference(String section, Applies applies) {

    @FunctionalInterface
    interface Applies {
        boolean test(DiffCase diffCase, CepUnderTest.Ran vigil);
    }

    static final List<DocumentedDifference> ALL = List.of(
            // Vigil drops the oldest partial matches past a per-key bound; Flink keeps all.
            new DocumentedDifference("Partial-match bound", (diffCase, vigil) -> vigil.droppedPartialMatches() > 0),
            // Flink may register extra WITHIN timers per watermark batch; with per-event windows and a skip
            // strategy an earlier timeout can change which held match a later pruning removes.
            new DocumentedDifference("New-run timers within one batch",
                    (diffCase, vigil) -> diffCase.rule().gapWithin() != null
                            && diffCase.rule().skip().kind() != AfterMatchSkip.Kind.NO_SKIP));

    /** The documented difference that explains a disagreement in this case, or null. */
    static DocumentedDifference explaining(DiffCase diffCase, CepUnderTest.Ran vigil) {
        for (DocumentedDifference difference : ALL) {
            if (difference.applies().test(diffCase, vigil)) {
                return difference;
            }
        }
        return null;
    }
}

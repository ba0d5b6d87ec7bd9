package dev.vigil.nfa.differential;

import static dev.vigil.nfa.differential.SideBySide.events;
import static dev.vigil.nfa.differential.SideBySide.type;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Found by the differential test (seed 114272, and once in 20,000 soak cases): an optional greedy loop with
 * {@code UNTIL} right after a {@code notFollowedBy}, {@code a -> !b -> c* GREEDY ... UNTIL ...}. Flink CEP 1.20
 * accepts the pattern and then, on some inputs, throws a NullPointerException inside the NFA (its compiler
 * looks up a state copy by a name the negation handling changed, leaving a transition without target).
 * Vigil's checker refuses the shape with a diagnostic saying what to write instead (it first surfaced as an
 * internal compiler error); docs/semantics.md, "GREEDY optional loop with UNTIL after notFollowedBy", lists it.
 */
class GreedyOptionalUntilAfterNegationTest {
    private static final String RULE = """
            RULE r
              FROM events
              PARTITION BY key
              PATTERN a -> !b -> c* GREEDY
              WITHIN 20 MILLISECONDS
              DEFINE
                a AS TRUE,
                b AS type IN ('B', 'C'),
                c AS type = 'A' UNTIL type = 'C';
            """;

    @Test
    void flinkAcceptsThePatternButFailsWhenTheUntilPathIsTaken() {
        // found by search: the smallest input that makes Flink fail
        List<CaseEvent> events = events("B@1", "C@2");
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new FlinkCondition(new CaseCondition.Always()))
                .notFollowedBy("b").where(new FlinkCondition(new CaseCondition.TypeIn(List.of("B", "C"))))
                .followedBy("c").where(type("A")).oneOrMore().optional().greedy().until(type("C"))
                .within(Duration.ofMillis(20));

        Exception failure = assertThrows(Exception.class, () -> FlinkCep.run(pattern, false, 0, events));
        assertTrue(rootCause(failure) instanceof NullPointerException, rootCause(failure).toString());
    }

    @Test
    void vigilRejectsTheShapeWithACheckerDiagnosticNotAnInternalError() {
        String vigil = SideBySide.vigil(RULE, events("A@1"));

        assertTrue(vigil.startsWith("rejected: "), vigil);
        assertFalse(vigil.contains("internal error"), vigil);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }
}

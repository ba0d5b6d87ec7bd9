package dev.vigil.nfa.differential;

import static dev.vigil.nfa.differential.SideBySide.assertVigilAgrees;
import static dev.vigil.nfa.differential.SideBySide.assertVigilRejects;
import static dev.vigil.nfa.differential.SideBySide.events;
import static dev.vigil.nfa.differential.SideBySide.flink;
import static dev.vigil.nfa.differential.SideBySide.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.WithinType;
import org.junit.jupiter.api.Test;

/**
 * A stage's own gap window, {@code b WITHIN d OF PREVIOUS} (Flink's {@code within(d, PREVIOUS_AND_CURRENT)} on
 * that stage alone), side by side with Flink CEP 1.20; and the two shapes Vigil refuses although Flink accepts
 * them (docs/semantics.md, "A window OF PREVIOUS on a loop or a notFollowedBy" and "... on the first stage"), pinned on both sides.
 */
class StageWindowTest {
    private static final Duration GAP = Duration.ofMillis(5);

    @Test
    void theWindowBoundsOnlyTheGapBeforeItsStage() {
        String rule = """
                RULE r
                  FROM events
                  PARTITION BY key
                  PATTERN a -> b WITHIN 5 MILLISECONDS OF PREVIOUS -> c
                  DEFINE
                    a AS type = 'A',
                    b AS type = 'B',
                    c AS type = 'C';
                """;
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(type("A")).followedBy("b").where(type("B")).within(GAP, WithinType.PREVIOUS_AND_CURRENT)
                .followedBy("c").where(type("C"));

        List<CaseEvent> inTime = events("A@1", "B@5", "C@100");
        String flink = flink(pattern, false, inTime);
        assertEquals("  k matches  [a[1] b[2] c[3]]\n", flink);
        assertVigilAgrees(flink, rule, inTime);

        List<CaseEvent> late = events("A@1", "B@6", "C@7");
        flink = flink(pattern, false, late);
        assertEquals("  (nothing)\n", flink);
        assertVigilAgrees(flink, rule, late);
    }

    @Test
    void flinkIgnoresTheWindowOnALoopWhichVigilRefuses() {
        String rule = """
                RULE r
                  FROM events
                  PARTITION BY key
                  PATTERN a -> b+ WITHIN 2 MILLISECONDS OF PREVIOUS -> c
                  DEFINE
                    a AS type = 'A',
                    b AS type = 'B',
                    c AS type = 'C';
                """;
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(type("A")).followedBy("b").where(type("B")).oneOrMore()
                .within(Duration.ofMillis(2), WithinType.PREVIOUS_AND_CURRENT)
                .followedBy("c").where(type("C"));
        List<CaseEvent> events = events("A@1", "B@10", "C@11");

        assertEquals("  k matches  [a[1] b[2] c[3]]\n", flink(pattern, false, events));
        assertVigilRejects(rule, events);
    }

    @Test
    void flinkIgnoresTheWindowOnANotFollowedByBeforeAnotherStageWhichVigilRefuses() {
        String rule = """
                RULE r
                  FROM events
                  PARTITION BY key
                  PATTERN a -> !b WITHIN 2 MILLISECONDS OF PREVIOUS -> c
                  DEFINE
                    a AS type = 'A',
                    b AS type = 'B',
                    c AS type = 'C';
                """;
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(type("A")).notFollowedBy("b").where(type("B"))
                .within(Duration.ofMillis(2), WithinType.PREVIOUS_AND_CURRENT)
                .followedBy("c").where(type("C"));
        List<CaseEvent> events = events("A@1", "C@10");

        assertEquals("  k matches  [a[1] c[2]]\n", flink(pattern, false, events));
        assertVigilRejects(rule, events);
    }

    @Test
    void flinkLetsTheWindowOnTheFirstStageBoundNothingWhichVigilRefuses() {
        String rule = """
                RULE r
                  FROM events
                  PARTITION BY key
                  PATTERN a WITHIN 5 MILLISECONDS OF PREVIOUS -> b
                  DEFINE
                    a AS type = 'A',
                    b AS type = 'B';
                """;
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(type("A")).within(GAP, WithinType.PREVIOUS_AND_CURRENT)
                .followedBy("b").where(type("B"));
        List<CaseEvent> events = events("A@1", "B@100");

        assertEquals("  k matches  [a[1] b[2]]\n", flink(pattern, false, events));
        assertVigilRejects(rule, events);
    }
}

package dev.vigil.nfa.differential;

import static dev.vigil.nfa.differential.SideBySide.assertVigilRejects;
import static dev.vigil.nfa.differential.SideBySide.events;
import static dev.vigil.nfa.differential.SideBySide.flink;
import static dev.vigil.nfa.differential.SideBySide.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Documented difference found by the differential test (about 0.07% of soak cases): Vigil rejects
 * {@code AFTER MATCH SKIP TO FIRST/LAST v} where {@code v} is negated; docs/rule-language.md lists it under
 * "Patterns Flink CEP rejects", but Flink CEP 1.20 accepts it (the name exists in the pattern) and runs it as
 * a skip strategy that never finds its variable: nothing is pruned, yet completed matches are still held
 * back while an earlier partial match lives, unlike {@code NO SKIP}.
 */
class SkipToNegatedVariableTest {
    private static final String RULE = """
            RULE r
              FROM events
              PARTITION BY key
              PATTERN a -> !b -> c
              DEFINE
                a AS type = 'A',
                b AS type = 'B',
                c AS type = 'C'
              AFTER MATCH SKIP TO FIRST b;
            """;

    @Test
    void flinkPrunesNothingWhenSkippingToANegatedVariableWhichVigilRejects() {
        List<CaseEvent> events = events("A@1", "A@2", "C@3");
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipToFirst("b"))
                .where(type("A"))
                .notFollowedBy("b").where(type("B"))
                .followedBy("c").where(type("C"));

        String flink = flink(pattern, false, events);
        assertEquals("  k matches  [a[1] c[3], a[2] c[3]]\n", flink);
        assertVigilRejects(RULE, events);
    }
}

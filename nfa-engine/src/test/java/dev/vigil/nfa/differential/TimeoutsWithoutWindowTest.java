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
 * Documented difference found by the differential test (89 of 2,000 cases): a rule with {@code ON TIMEOUT EMIT}
 * and no window is rejected ("a partial match only times out when a window closes"). Flink CEP 1.20 runs a
 * {@code TimedOutPartialMatchHandler} on a pattern without window: matches are emitted as usual and nothing
 * ever times out. docs/semantics.md, "ON TIMEOUT EMIT needs a window", lists it. The test pins both sides.
 */
class TimeoutsWithoutWindowTest {
    private static final String RULE = """
            RULE r
              FROM events
              PARTITION BY key
              PATTERN a -> b
              DEFINE
                a AS type = 'A',
                b AS type = 'B'
              ON TIMEOUT EMIT;
            """;

    @Test
    void flinkMatchesAsUsualAndNeverTimesOut() {
        List<CaseEvent> events = events("A@1", "B@2", "A@3");
        Pattern<CaseEvent, ?> pattern = Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(type("A"))
                .followedBy("b").where(type("B"));

        String flink = flink(pattern, true, events);
        assertEquals("  k matches  [a[1] b[2]]\n", flink);
        assertVigilRejects(RULE, events);
    }
}

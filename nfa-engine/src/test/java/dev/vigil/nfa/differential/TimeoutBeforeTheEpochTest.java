package dev.vigil.nfa.differential;

import static dev.vigil.nfa.differential.SideBySide.assertVigilAgrees;
import static dev.vigil.nfa.differential.SideBySide.events;
import static dev.vigil.nfa.differential.SideBySide.flink;
import static dev.vigil.nfa.differential.SideBySide.type;
import static dev.vigil.nfa.differential.SideBySide.vigil;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Documented difference found by the differential test (seed 7 once the generator made issue 23's forms): a
 * partial match that starts before the epoch (timestamp below 0) and is still open at the end of input. Flink CEP
 * 1.20 registers no WITHIN timer for it (it checks {@code startTimestamp > 0}), and the end of input's watermark,
 * {@code Long.MAX_VALUE}, makes its window test {@code MAX_VALUE - start >= window} overflow, so it is never
 * timed out. Vigil's time arithmetic saturates, so it reports the timeout at start + WITHIN. A later event of the
 * key times the run out on both sides alike. docs/semantics.md, "Timeouts before the epoch at the end of input".
 */
class TimeoutBeforeTheEpochTest {
    private static final String RULE = """
            RULE r
              FROM events
              PARTITION BY key
              PATTERN a -> b
              WITHIN 10 MILLISECONDS
              DEFINE
                a AS type = 'A',
                b AS type = 'B'
              ON TIMEOUT EMIT;
            """;

    private static Pattern<CaseEvent, ?> flinkPattern() {
        return Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent()).where(type("A"))
                .followedBy("b").where(type("B")).within(Duration.ofMillis(10));
    }

    @Test
    void flinkNeverTimesOutARunStartedBeforeTheEpochAtTheEndOfInput() {
        List<CaseEvent> events = events("A@-1");

        assertEquals("  (nothing)\n", flink(flinkPattern(), true, events));
        assertEquals("  k matches  []\n  k timeouts [a[1] @9]\n", vigil(RULE, events));
    }

    @Test
    void aLaterEventTimesItOutOnBothSides() {
        List<CaseEvent> events = events("A@-1", "C@20");

        assertVigilAgrees(flink(flinkPattern(), true, events), RULE, events);
        assertEquals("  k matches  []\n  k timeouts [a[1] @9]\n", vigil(RULE, events));
    }
}

package dev.vigil.nfa.differential;

import static dev.vigil.nfa.differential.SideBySide.assertVigilAgrees;
import static dev.vigil.nfa.differential.SideBySide.events;
import static dev.vigil.nfa.differential.SideBySide.flink;
import static dev.vigil.nfa.differential.SideBySide.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A trailing strict negation without a window ({@code a !b}, Flink's {@code begin(a).notNext(b)}): "a login not
 * immediately followed by a second factor". Flink CEP 1.20 accepts it; the match is {@code a} alone, emitted when
 * the key's next event arrives and is not a {@code b}; with no next event there is no match. Vigil accepted it
 * only with WITHIN until issue 23; these tests pin that both now emit the same.
 */
class TrailingNotNextTest {
    private static final String RULE = """
            RULE r
              FROM events
              PARTITION BY key
              PATTERN a !b
              DEFINE
                a AS type = 'A',
                b AS type = 'B';
            """;

    private static Pattern<CaseEvent, ?> flinkPattern() {
        return Pattern.<CaseEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent()).where(type("A"))
                .notNext("b").where(type("B"));
    }

    @Test
    void theMatchIsEmittedWhenTheNextEventIsNotTheNegatedOne() {
        List<CaseEvent> events = events("A@1", "C@30", "A@31", "B@32", "A@40", "A@41");

        String flink = flink(flinkPattern(), false, events);
        assertEquals("  k matches  [a[1], a[5]]\n", flink);
        assertVigilAgrees(flink, RULE, events);
    }

    @Test
    void withoutANextEventNothingIsEmitted() {
        List<CaseEvent> events = events("C@1", "A@2");

        String flink = flink(flinkPattern(), false, events);
        assertEquals("  (nothing)\n", flink);
        assertVigilAgrees(flink, RULE, events);
    }
}

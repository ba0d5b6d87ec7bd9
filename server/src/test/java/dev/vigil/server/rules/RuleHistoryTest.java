package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The version history's bounds: ended versions per rule, and the bytes of all ended versions, the oldest to end
 * going first; a running version is never dropped, and a name with no version left is forgotten.
 */
class RuleHistoryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void theBytesOfEndedVersionsAreBoundedTheOldestToEndGoingFirst() {
        String padding = "x".repeat(1000);
        long budget = 3 * (1000 + 100 + RuleHistory.BYTES_PER_VERSION);   // room for three ended versions
        RuleHistory history = new RuleHistory(CLOCK, 10, budget);
        RuleSet running = RuleSet.empty();
        for (String name : List.of("a", "b")) {
            for (int version = 1; version <= 3; version++) {
                RuleSet next = TestRules.deploy(running, List.of(rule(name, version)), "http", text(name, padding));
                history.changed(running, next, 0);
                running = next;
            }
        }
        // ended in order a1, a2, b1, b2: a1 went to make room for b2
        assertEquals(List.of(3, 2), numbers(history.versions("a")));
        assertEquals(List.of(3, 2, 1), numbers(history.versions("b")));
        assertEquals(1, history.forgotten());

        RuleSet next = running.undeploy("a");
        history.changed(running, next, 0);
        assertEquals(List.of(3), numbers(history.versions("a")), "a3 ended: a2, ended first of those kept, went");
        assertTrue(history.versions("a").get(0).ended().deleted());
        assertEquals(CLOCK.millis(), history.versions("a").get(0).ended().atMs());
        assertEquals(2, history.forgotten());
    }

    @Test
    void aNameWhoseVersionsAllWentIsForgottenButARunningVersionStays() {
        RuleHistory history = new RuleHistory(CLOCK, 1, Long.MAX_VALUE);
        RuleSet running = TestRules.deploy(RuleSet.empty(), List.of(rule("a", 1)), "http", text("a", ""));
        history.seed(running, true);
        assertTrue(history.versions("a").get(0).restored(), "known from a checkpoint only");
        for (int version = 2; version <= 4; version++) {
            RuleSet next = TestRules.deploy(running, List.of(rule("a", version)), "http", text("a", ""));
            history.changed(running, next, 0);
            running = next;
        }
        assertEquals(List.of(4, 3), numbers(history.versions("a")), "the running one and one ended");
        RuleSet next = running.undeploy("a");
        history.changed(running, next, 1234);
        assertEquals(List.of(4), numbers(history.versions("a")));
        assertEquals(1234, history.versions("a").get(0).ended().atMs());
        RuleHistory none = new RuleHistory(CLOCK, 0, Long.MAX_VALUE);
        none.changed(RuleSet.empty(), TestRules.deploy(RuleSet.empty(), List.of(rule("z", 1)), "http", "z"), 0);
        none.changed(TestRules.deploy(RuleSet.empty(), List.of(rule("z", 1)), "http", "z"), RuleSet.empty(), 0);
        assertEquals(List.of(), none.versions("z"), "no ended version may be kept: the name is forgotten");
    }

    private static String text(String name, String padding) {
        return "RULE " + name + " FROM tx PATTERN x DEFINE x AS amount > 1\n-- " + padding;
    }

    private static CompiledRule rule(String name, int version) {
        return RuleCompiler.compile("request", text(name, "")).rules().get(0)
                .withVersion(version);
    }

    private static List<Integer> numbers(List<RuleVersion> versions) {
        List<Integer> numbers = new ArrayList<>();
        versions.forEach(version -> numbers.add(version.version()));
        return numbers;
    }
}

package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ast.Rule;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code SUPPRESS FOR d}: read, printed back, and its mistakes reported where they are. */
class SuppressClauseTest {
    private static Rule rule(String text) {
        return RuleParser.parse("t.cep", text).orThrow().rules().get(0);
    }

    private static List<String> errors(String text) {
        return RuleParser.parse("t.cep", text).diagnostics().stream()
                .map(d -> d.render().lines().findFirst().orElseThrow()).collect(Collectors.toList());
    }

    @Test
    void theClauseGivesThePeriodInMillisecondsAnywhereAmongTheClauses() {
        assertEquals(30 * 60_000, rule("RULE r FROM s PATTERN a SUPPRESS FOR 30 MINUTES").suppress().millis());
        assertEquals(90_000, rule("RULE r FROM s SUPPRESS FOR 90s PATTERN a -> b WITHIN 1 MINUTE").suppress().millis());
        assertEquals(1_000, rule("RULE r FROM s PATTERN a TO log SUPPRESS FOR 1 SECOND").suppress().millis());
        assertNull(rule("RULE r FROM s PATTERN a").suppress());
    }

    @Test
    void itPrintsBack() {
        String printed = RulePrinter.print(RuleParser.parse("t.cep",
                "RULE r FROM s PATTERN a -> b WITHIN 1 HOUR SUPPRESS FOR 120 MINUTES TO log").orThrow());
        assertTrue(printed.contains("\n  SUPPRESS FOR 2 HOURS\n  TO log;"), printed);
        assertEquals(printed, RulePrinter.print(RuleParser.parse("p.cep", printed).orThrow()));
    }

    @Test
    void suppressAndForRemainNamesWhereANameIsExpected() {
        Rule rule = rule("RULE r FROM s PATTERN `suppress` DEFINE `suppress` AS for > suppress.for "
                + "EMIT suppress = for SUPPRESS FOR 1 MINUTE");
        assertEquals("suppress", rule.defines().get(0).name());
        assertEquals(60_000, rule.suppress().millis());
    }

    @Test
    void mistakesAreReportedAtTheirPlace() {
        assertEquals(List.of("t.cep:1:38: SUPPRESS FOR needs a positive duration, got 0 MINUTES"),
                errors("RULE r FROM s PATTERN a SUPPRESS FOR 0 MINUTES"));
        assertEquals("t.cep:1:41: unknown duration unit 'minuets'; expected MILLISECONDS, SECONDS, MINUTES, HOURS "
                + "or DAYS",
                errors("RULE r FROM s PATTERN a SUPPRESS FOR 30 minuets").get(0));
        assertEquals(List.of("t.cep:1:47: SUPPRESS FOR is given twice; each clause may appear once per rule"),
                errors("RULE r FROM s PATTERN a SUPPRESS FOR 1 MINUTE SUPPRESS FOR 2 MINUTES"));
    }
}

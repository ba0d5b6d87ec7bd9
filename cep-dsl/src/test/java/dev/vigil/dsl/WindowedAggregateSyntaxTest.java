package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code f(x) OVER (LAST d)}: read, printed back, and its mistakes reported where they are. */
class WindowedAggregateSyntaxTest {
    private static final String STREAM = "STREAM payments (card STRING, amount DOUBLE, merchant STRING);\n";

    private static List<String> errors(String text) {
        return RuleParser.parse("t.cep", text).diagnostics().stream()
                .map(d -> d.render().lines().findFirst().orElseThrow()).collect(Collectors.toList());
    }

    @Test
    void windowedAggregatesAreReadAndPrintBack() {
        String text = STREAM + "RULE r FROM payments PARTITION BY card PATTERN big burst "
                + "DEFINE big AS amount > 3 * AVG(amount) OVER (LAST 1 HOUR), "
                + "burst AS COUNT(*) OVER (LAST 600 SECONDS) >= 5 AND MAX(amount) OVER (LAST 10m) < 100";
        ParseResult result = RuleParser.parse("t.cep", text);
        assertTrue(result.ok(), () -> result.diagnostics().toString());
        String dump = AstDump.of(result.file());
        assertTrue(dump.contains("(AVG_OVER_3600000 $amount)"), dump);
        assertTrue(dump.contains("(COUNT_OVER_600000 *)"), dump);
        String printed = RulePrinter.print(result.file());
        assertTrue(printed.contains("amount > 3 * AVG(amount) OVER (LAST 1 HOUR)"), printed);
        assertTrue(printed.contains("COUNT(*) OVER (LAST 10 MINUTES) >= 5"), printed);
        assertEquals(dump, AstDump.of(RuleParser.parse("p.cep", printed).orThrow()));
    }

    @Test
    void overRemainsAName() {
        assertTrue(RuleParser.parse("t.cep", "RULE r FROM s PATTERN over DEFINE over AS amount.over > 1").ok());
    }

    @Test
    void mistakesAreReportedAtTheirPlace() {
        String rule = STREAM + "RULE r FROM payments PARTITION BY card PATTERN a b DEFINE b AS ";
        assertEquals(List.of("t.cep:2:64: SUM(*) is not an aggregate; only COUNT(*) counts the events, e.g. COUNT(*) "
                + "OVER (LAST 10 MINUTES)"), errors(rule + "SUM(*) OVER (LAST 1 HOUR) > 1"));
        assertEquals(List.of("t.cep:2:64: OVER windows take COUNT, SUM, AVG, MIN or MAX, not FIRST"),
                errors(rule + "FIRST(amount) OVER (LAST 1 HOUR) > 1"));
        assertEquals(List.of("t.cep:2:68: an OVER window aggregates the key's events, not pattern variable 'a'; "
                + "write amount for the field of each event"), errors(rule + "AVG(a.amount) OVER (LAST 1 HOUR) > 1"));
        assertEquals(List.of("t.cep:2:68: AVG OVER needs a number, but merchant is a STRING"),
                errors(rule + "AVG(merchant) OVER (LAST 1 HOUR) > 1"));
        assertEquals(List.of("t.cep:2:68: an OVER window aggregates a field of the key's events, e.g. AVG(amount) "
                + "OVER (LAST 1 HOUR), not amount * 2"), errors(rule + "AVG(amount * 2) OVER (LAST 1 HOUR) > 1"));
        assertEquals(List.of("t.cep:2:84: OVER (LAST ...) needs a positive duration, got 0 MINUTES"),
                errors(rule + "COUNT(*) OVER (LAST 0 MINUTES) > 1"));
        assertEquals(List.of("t.cep:2:70: COUNT(*) counts the events of a window: write COUNT(*) OVER (LAST d), e.g. "
                + "COUNT(*) OVER (LAST 10 MINUTES); COUNT(v) counts a variable's events"),
                errors(rule + "COUNT(*) > 1"));
        assertEquals(List.of("t.cep:2:41: OVER windows belong in DEFINE conditions, which are evaluated for one "
                + "event of the key; EMIT is evaluated for the whole match"),
                errors(STREAM + "RULE r FROM payments PATTERN a EMIT n = COUNT(*) OVER (LAST 1 HOUR)"));
    }
}

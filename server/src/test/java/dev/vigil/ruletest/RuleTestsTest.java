package dev.vigil.ruletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.RuleCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleTestsTest {
    private static final String RULE = """
            RULE two_fails
              FROM auth
              PARTITION BY user
              PATTERN fail{2} ok
              DEFINE fail AS outcome = 'failure', ok AS outcome = 'success'
              EMIT failures = COUNT(fail), ip = ok.ip;
            """;

    private static final String EVENTS = """
              {"stream":"auth","ts":"2026-11-16T03:10:00Z","user":"mia","outcome":"failure"}
              {"stream":"auth","ts":"2026-11-16T03:10:01Z","user":"mia","outcome":"failure"}
              {"stream":"auth","ts":"2026-11-16T03:10:02Z","user":"mia","outcome":"success","ip":"10.0.0.1"}
            """;

    @Test
    void aTestWhoseAlertsAreThoseExpectedPasses() {
        TestReport report = run(RULE + "TEST mia\nGIVEN {\n" + EVENTS + "}\nEXPECT {\n"
                + "  {\"rule\":\"two_fails\",\"key\":\"mia\",\"start\":\"2026-11-16T03:10:00Z\",\"end\":1794798602000,"
                + "\"fields\":{\"failures\":2.0,\"ip\":\"10.0.0.1\"}}\n}\n"
                + "TEST nothing_without_success GIVEN {\n" + EVENTS.lines().limit(2).map(l -> l + "\n")
                        .reduce("", String::concat) + "}\nEXPECT { }\n");
        assertTrue(report.passed(), report.render("f.cep"));
        assertEquals("""
                PASS f.cep:7:1 test mia (3 events, 1 alert)
                PASS f.cep:16:1 test nothing_without_success (2 events, 0 alerts)
                """, report.render("f.cep"));
    }

    @Test
    void aFailedTestSaysWhichAlertDiffersWhereAndWhatIsMissingOrExtra() {
        TestReport report = run(RULE + "TEST wrong\nGIVEN {\n" + EVENTS + "}\nEXPECT {\n"
                + "  {\"key\":\"mia\",\"fields\":{\"failures\":3,\"ip\":\"10.0.0.1\"}}\n"
                + "  {\"key\":\"ola\"}\n}\n"
                + "TEST extra GIVEN {\n" + EVENTS + "}\nEXPECT {}\n");
        assertFalse(report.passed());
        assertEquals("0 passed, 2 failed, 0 invalid", report.summary());
        assertEquals("""
                FAIL f.cep:7:1 test wrong (3 events, 1 alert)
                    alert 1 (line 14): fields.failures: expected 3, got 2
                    alert 2 (line 15): expected, not emitted: {"key":"ola"}
                FAIL f.cep:17:1 test extra (3 events, 1 alert)
                    alert 1: emitted, not expected: {"rule":"two_fails","kind":"match","key":"mia","start":1794798600000,\
                "end":1794798602000,"fields":{"failures":2,"ip":"10.0.0.1"}}
                """, report.render("f.cep"));
    }

    @Test
    void badLinesMakeATestInvalidWithTheirLineAndColumn() {
        TestReport report = run(RULE + "TEST bad\nGIVEN {\n"
                + "  {\"stream\":\"auth\",\"ts\":\"2026-11-16T03:10:00Z\" \"user\":\"mia\"}\n"
                + "  {\"stream\":\"auth\",\"user\":\"mia\"}\n"
                + "}\nEXPECT {\n  {\"rule\":\"two_fails\",\"feilds\":{}}\n  {\"start\":\"yesterday\"}\n}\n");
        TestResult bad = report.tests().get(0);
        assertEquals(TestResult.Status.INVALID, bad.status());
        assertEquals(4, bad.diff().size(), bad.diff().toString());
        assertEquals("line 13: EXPECT line: 'feilds' is not a field of an alert; an alert has id, rule, version, kind, "
                + "key, severity, start, end, timeoutAt, fields, events", bad.diff().get(0));
        assertTrue(bad.diff().get(1).startsWith("line 14: EXPECT line: "), bad.diff().get(1));
        assertTrue(bad.diff().get(2).startsWith("line 9: GIVEN line: invalid JSON, column 48: "), bad.diff().get(2));
        assertTrue(bad.diff().get(3).startsWith("line 10: GIVEN line: "), bad.diff().get(3));
    }

    @Test
    void theEndOfTheGivenBlockFlushesTimeoutsAsTheEndOfAFileDoes() {
        String rule = """
                RULE silent FROM hb PARTITION BY id PATTERN beat -> !beat2 WITHIN 30 SECONDS
                  DEFINE beat AS type = 'hb', beat2 AS type = 'hb' EMIT id = id;
                TEST gone GIVEN {
                  {"stream":"hb","ts":1000,"id":"gw-1","type":"hb"}
                  {"stream":"hb","ts":2000,"id":"gw-2","type":"hb"}
                  {"stream":"hb","ts":20000,"id":"gw-2","type":"hb"}
                }
                EXPECT {
                  {"key":"gw-2","end":20000}
                  {"key":"gw-1","end":1000}
                }
                """;
        TestReport report = run(rule);
        assertTrue(report.passed(), report.render("f.cep"));
    }

    @Test
    void boundsRefuseLargeTestsAndStopLongOnes() {
        String text = RULE + "TEST mia\nGIVEN {\n" + EVENTS + "}\nEXPECT {}\n";
        TestReport refused = RuleTests.run(text, compile(text), new RuleTests.Bounds(2, Long.MAX_VALUE, 10));
        assertEquals("the tests hold 3 events; the tests of a rule file may hold at most 2 here (vigil test runs "
                + "larger ones)", refused.refused());
        assertFalse(refused.passed());
        long[] now = {0};
        TestReport slow = RuleTests.run(text, compile(text), new RuleTests.Bounds(10, 3_000_000_000L, 10),
                () -> now[0] += 2_000_000_000L);
        assertEquals(List.of("stopped after 2 of 3 events: the tests of a rule file may run for at most 3 s here"),
                slow.tests().get(0).diff());
        TestReport noisy = RuleTests.run(text, compile(text), new RuleTests.Bounds(10, Long.MAX_VALUE, 0));
        assertEquals(List.of("emitted more than 0 alerts; a test may emit at most 0 here"),
                noisy.tests().get(0).diff());
    }

    @Test
    void theGuidesExampleTestsPass() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "rule-language.md"));
        int section = guide.indexOf("\n## Rule tests\n");
        int start = guide.indexOf("```cep\n", section) + "```cep\n".length();
        String example = guide.substring(start, guide.indexOf("```", start));
        TestReport report = run(example);
        assertEquals(2, report.tests().size(), example);
        assertTrue(report.passed(), report.render("rule-language.md"));
    }

    private static TestReport run(String text) {
        return RuleTests.run(text, compile(text), RuleTests.Bounds.NONE);
    }

    private static CompileResult compile(String text) {
        CompileResult compiled = RuleCompiler.compile("f.cep", text);
        assertTrue(compiled.ok(), compiled.diagnostics().toString());
        return compiled;
    }
}

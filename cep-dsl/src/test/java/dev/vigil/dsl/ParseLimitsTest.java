package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Text that would exhaust the parser, the checker or the automaton is refused with one positioned diagnostic
 * naming the limit ({@link ParseLimits}), never with a {@link StackOverflowError}: nesting (parentheses, NOT, unary
 * minus, calls, IN lists, groups, and chains of operators, which the AST holds as nested pairs) and quantifier
 * counts. The depths used are far beyond any thread's stack without the limit.
 */
class ParseLimitsTest {
    private static final int DEEP = 100_000;
    private static final ParseLimits LIMITS = ParseLimits.DEFAULTS;
    private static final int MAX = LIMITS.maxNestingDepth();

    @Test
    void parenthesesDeeperThanTheLimitAreRefusedAtTheFirstParenthesisBeyondIt() {
        String prefix = "RULE r FROM s PATTERN a DEFINE a AS ";
        Diagnostic only = only(prefix + "(".repeat(DEEP) + "x > 1" + ")".repeat(DEEP));
        assertEquals(1, only.line());
        assertEquals(prefix.length() + MAX + 1, only.column());   // the (MAX+1)-th parenthesis
        assertEquals(ParseLimits.NESTING_DEPTH, only.limit());
        assertTrue(only.message().startsWith("nested more than " + MAX + " levels deep (maxNestingDepth)"),
                only.message());
    }

    @Test
    void exactlyTheLimitIsAccepted() {
        String prefix = "RULE r FROM s PATTERN a DEFINE a AS ";
        assertTrue(RuleParser.parse("r.cep", prefix + "(".repeat(MAX) + "x > 1" + ")".repeat(MAX)).ok());
        assertTrue(RuleParser.parse("r.cep", prefix + "NOT ".repeat(MAX) + "x > 1").ok());
        assertTrue(RuleParser.parse("r.cep", prefix + "x > 1" + " OR x > 1".repeat(MAX)).ok());
        assertTrue(RuleParser.parse("r.cep", "RULE r FROM s PATTERN " + "(".repeat(MAX) + "a" + ")".repeat(MAX)).ok());
        assertEquals(ParseLimits.NESTING_DEPTH,
                only(prefix + "x > 1" + " OR x > 1".repeat(MAX + 1)).limit());
        assertEquals(ParseLimits.NESTING_DEPTH, only(prefix + "NOT ".repeat(MAX + 1) + "x > 1").limit());
    }

    @Test
    void everyKindOfNestingIsBoundedWithAPositionedDiagnostic() {
        String define = "RULE r FROM s PATTERN a DEFINE a AS ";
        List<String> texts = List.of(
                define + "NOT ".repeat(DEEP) + "x > 1",
                define + "- ".repeat(DEEP) + "x > 1",
                define + "abs(".repeat(DEEP) + "x" + ")".repeat(DEEP) + " > 1",
                define + "x IN (".repeat(DEEP) + "1" + ")".repeat(DEEP),
                define + "(".repeat(DEEP) + "x > > 1" + ")".repeat(DEEP),             // a syntax error deep inside
                define + "(".repeat(DEEP) + "x > 1",                                   // never closed
                "RULE r FROM s PATTERN " + "(".repeat(DEEP) + "a" + ")".repeat(DEEP),
                "RULE r FROM s PATTERN " + "(z ".repeat(DEEP) + "a" + ")".repeat(DEEP),
                "RULE r FROM s PATTERN a EMIT v = " + "(".repeat(DEEP) + "a.x" + ")".repeat(DEEP));
        for (String text : texts) {
            Diagnostic only = only(text);
            assertEquals(ParseLimits.NESTING_DEPTH, only.limit(), only::render);
            assertTrue(only.message().contains("more than " + MAX + " levels"), only::render);
        }
    }

    @Test
    void longChainsOfOperatorsAreBoundedBeforeAnyRecursiveCheckRuns() {
        String define = "RULE r FROM s PATTERN a DEFINE a AS ";
        for (String chain : List.of(" OR x > 1", " AND x > 1")) {
            Diagnostic only = only(define + "x > 1" + chain.repeat(DEEP));
            assertEquals(1, only.line());
            assertEquals(define.length() + 1, only.column());
            assertEquals(ParseLimits.NESTING_DEPTH, only.limit());
            assertTrue(only.message().contains("use IN (...)"), only.message());
        }
        assertEquals(ParseLimits.NESTING_DEPTH, only(define + "x" + " + x".repeat(DEEP) + " > 1").limit());
        assertEquals(ParseLimits.NESTING_DEPTH,
                only("RULE r FROM s PATTERN a EMIT v = a.x" + " * 2".repeat(DEEP)).limit());
    }

    @Test
    void aQuantifierCountOverTheLimitIsRefusedNamingTheLimit() {
        assertDiagnostics("RULE r FROM s PATTERN fail{2147483647,}", """
                r.cep:1:27: quantifier 'fail{2147483647,}' counts to 2147483647, over the limit of 1000 (maxRepeatCount): Flink CEP unrolls a counted quantifier into one state per repetition; lower the count (+ and * loop in one state whatever the number of events)
                  | RULE r FROM s PATTERN fail{2147483647,}
                  |                           ^^^^^^^^^^^^^
                """);
        assertEquals(ParseLimits.REPEAT_COUNT, only("RULE r FROM s PATTERN a{1001}").limit());
        assertEquals(ParseLimits.REPEAT_COUNT, only("RULE r FROM s PATTERN a{0,1001}").limit());
        assertEquals(ParseLimits.REPEAT_COUNT, only("RULE r FROM s PATTERN (a b){1001,}").limit());
        assertTrue(RuleParser.parse("r.cep", "RULE r FROM s PATTERN a{1000} b{3,1000} c{1000,}").ok());
    }

    @Test
    void limitsAreSettings() {
        ParseLimits tight = new ParseLimits(3, 5);
        assertTrue(RuleParser.parse("r.cep", "RULE r FROM s PATTERN a{5} DEFINE a AS ((( x > 1 )))", tight).ok());
        assertEquals(ParseLimits.REPEAT_COUNT,
                RuleParser.parse("r.cep", "RULE r FROM s PATTERN a{6}", tight).diagnostics().get(0).limit());
        assertEquals(ParseLimits.NESTING_DEPTH, RuleParser.parse("r.cep",
                "RULE r FROM s PATTERN a DEFINE a AS (((( x > 1 ))))", tight).diagnostics().get(0).limit());
    }

    @Test
    void hugeNamesGetNoSuggestionAndLongListsAreCut() {
        // a "did you mean" compares names with a table quadratic in their length: 30,000-character names would
        // need gigabytes
        String defined = "a".repeat(30_000);
        String used = "b".repeat(30_000);
        Diagnostic only = only("RULE r FROM s PATTERN " + used + " DEFINE " + defined + " AS x > 1");
        assertTrue(only.message().length() < 31_000 * 2, () -> "message of " + only.message().length() + " chars");

        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            pattern.append(" v").append(i);
        }
        Diagnostic listed = only("RULE r FROM s PATTERN" + pattern + " DEFINE zzzzzz AS x > 1");
        assertTrue(listed.message().endsWith(" and 450 more"), listed.message());
    }

    private static Diagnostic only(String text) {
        ParseResult result = RuleParser.parse("r.cep", text);
        assertEquals(1, result.diagnostics().size(), () -> result.diagnostics().stream().map(Diagnostic::render)
                .map(r -> r.length() > 300 ? r.substring(0, 300) + "..." : r).collect(Collectors.joining("\n")));
        return result.diagnostics().get(0);
    }

    private static void assertDiagnostics(String text, String expected) {
        ParseResult result = RuleParser.parse("r.cep", text);
        assertEquals(expected, result.diagnostics().stream().map(d -> d.render() + "\n").collect(Collectors.joining()));
    }
}

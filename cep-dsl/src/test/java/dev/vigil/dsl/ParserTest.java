package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.VarDef;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One test per construct of the rule language: text in, canonical text (RulePrinter) or a span-free AST dump
 * out. Every helper also checks the round trip: the canonical text reads back to the same AST.
 */
class ParserTest {

    // ------------------------------------------------------------------ statements

    @Test
    void streamDeclarationWithTypesAliasesNestedFieldsEventTimeAndDelay() {
        assertCanonical("""
                stream Logins (user string, attempts int, n INTEGER, big BIGINT, score float, ok bool,
                               device.os STRING, at TIMESTAMP) watermark delay 2 seconds event time at
                """, """
                STREAM Logins (user STRING, attempts LONG, n LONG, big LONG, score DOUBLE, ok BOOLEAN, device.os STRING, at TIMESTAMP)
                  EVENT TIME at
                  WATERMARK DELAY 2 SECONDS;
                """);
    }

    @Test
    void streamWithoutOptionsHasNoEventTimeFieldAndNoDelay() {
        RuleFile file = parse("STREAM s (a LONG)");
        assertNull(file.streams().get(0).eventTimeField());
        assertEquals(-1, file.streams().get(0).watermarkDelayMs());
    }

    @Test
    void ruleClausesMayComeInAnyOrderAndPrintInCanonicalOrder() {
        assertCanonical("""
                RULE r
                  EMIT n = COUNT(a)
                  AFTER MATCH SKIP TO NEXT EVENT
                  DEFINE a AS x > 1
                  WITHIN 1 HOUR
                  PATTERN a -> b
                  PARTITION BY user, device.id
                  FROM logins, payments
                  SEVERITY Critical
                  ON TIMEOUT EMIT m = COUNT(a)
                """, """
                RULE r
                  SEVERITY critical
                  FROM logins, payments
                  PARTITION BY user, device.id
                  PATTERN a -> b
                  WITHIN 1 HOUR
                  DEFINE
                    a AS x > 1
                  EMIT n = COUNT(a)
                  ON TIMEOUT EMIT m = COUNT(a)
                  AFTER MATCH SKIP TO NEXT EVENT;
                """);
    }

    @Test
    void keywordsAreCaseInsensitiveAndNamesKeepTheirCase() {
        RuleFile file = parse("rule MyRule from Payments pattern Probe -> BIG define Probe as Amount < 2");
        Rule rule = file.rules().get(0);
        assertEquals("MyRule", rule.name());
        assertEquals("Payments", rule.from().get(0));
        assertEquals("STRICT:Probe RELAXED:BIG", AstDump.of(rule.pattern()));
        assertEquals("(LT $Amount long:2@Long)", AstDump.of(rule.defines().get(0).condition()));
    }

    @Test
    void commentsAndSemicolonsSeparateStatements() {
        RuleFile file = parse("""
                ;; -- a line comment
                STREAM s (a LONG); /* a block
                comment */ RULE r FROM s PATTERN x;;
                RULE q FROM s PATTERN y -- no semicolon after the last statement
                """);
        assertEquals(1, file.streams().size());
        assertEquals(2, file.rules().size());
    }

    @Test
    void defaultSkipIsPastLastEventAndIsNotPrinted() {
        Rule rule = parse("RULE r FROM s PATTERN a").rules().get(0);
        assertEquals("PAST_LAST_EVENT", rule.skip().kind().name());
        assertCanonical("RULE r FROM s PATTERN a AFTER MATCH SKIP PAST LAST EVENT", """
                RULE r
                  FROM s
                  PATTERN a;
                """);
    }

    @Test
    void everySkipStrategy() {
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP NO SKIP", "skip NO_SKIP");
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP TO NEXT EVENT", "skip TO_NEXT_EVENT");
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP PAST LAST EVENT", "skip PAST_LAST_EVENT");
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP TO FIRST b", "skip TO_FIRST b");
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP TO LAST a", "skip TO_LAST a");
    }

    @Test
    void withinBoundsTheWholeMatchAndBetweenEventsBoundsEachGap() {
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 10 MINUTES", "within=600000 gap=null");
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 30s BETWEEN EVENTS", "within=null gap=30000");
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 1 DAY WITHIN 2h BETWEEN EVENTS",
                "within=86400000 gap=7200000");
    }

    @Test
    void durationUnitsInWordsAndCompactForm() {
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1 MILLISECOND", "within=1 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 7 MILLISECONDS", "within=7 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 7 ms", "within=7 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1 second", "within=1000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 2 SECONDS", "within=2000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1 MINUTE", "within=60000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 3 minutes", "within=180000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1 HOUR", "within=3600000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 2 HOURS", "within=7200000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1 DAY", "within=86400000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 2 DAYS", "within=172800000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 500ms", "within=500 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 10s", "within=10000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 5m", "within=300000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1h", "within=3600000 ");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 2D", "within=172800000 ");
    }

    @Test
    void durationsPrintInTheLargestExactUnit() {
        assertEquals("90 MINUTES", RulePrinter.duration(5_400_000));
        assertEquals("1 SECOND", RulePrinter.duration(1_000));
        assertEquals("1500 MILLISECONDS", RulePrinter.duration(1_500));
        assertEquals("2 DAYS", RulePrinter.duration(172_800_000));
        assertEquals("0 MILLISECONDS", RulePrinter.duration(0));
    }

    // ------------------------------------------------------------------ patterns

    @Test
    void juxtapositionIsStrictArrowIsRelaxedDoubleArrowIsNonDeterministic() {
        assertPattern("a b -> c ->> d", "STRICT:a STRICT:b RELAXED:c NON_DETERMINISTIC:d");
    }

    @Test
    void quantifierShorthandsBecomeBounds() {
        assertPattern("a? b+ c* d{3} e{2,4} f{2,}",
                "STRICT:a{0,1} STRICT:b{1,-1} STRICT:c{0,-1} STRICT:d{3,3} STRICT:e{2,4} STRICT:f{2,-1}");
        assertPattern("a{0,3} b{1}", "STRICT:a{0,3} STRICT:b{1,1}");
    }

    @Test
    void greedyAndExplicitInnerContiguity() {
        assertPattern("a -> b+ GREEDY -> c", "STRICT:a RELAXED:b{1,-1,greedy} RELAXED:c");
        assertPattern("a -> b{2,} consecutive -> c", "STRICT:a RELAXED:b{2,-1,inner=STRICT} RELAXED:c");
        assertPattern("a b* RELAXED GREEDY c", "STRICT:a STRICT:b{0,-1,greedy,inner=RELAXED} STRICT:c");
        assertPattern("a -> b+ COMBINATIONS -> c", "STRICT:a RELAXED:b{1,-1,inner=NON_DETERMINISTIC} RELAXED:c");
    }

    @Test
    void optionalMakesACountOptional() {
        assertPattern("a -> b{2,4} OPTIONAL -> c{2,} optional GREEDY CONSECUTIVE d{3} -> e{3} OPTIONAL",
                "STRICT:a RELAXED:b{0,4,from=2} RELAXED:c{0,-1,from=2,greedy,inner=STRICT} STRICT:d{3,3} "
                        + "RELAXED:e{0,3,from=3}");
        // a count of one made optional is an existing shorthand, and prints as it
        assertCanonical("RULE r FROM s PATTERN a{1} OPTIONAL b+ OPTIONAL c{1,3} OPTIONAL", """
                RULE r
                  FROM s
                  PATTERN a? b* c{0,3};
                """);
    }

    @Test
    void aStageWindowBoundsTheGapBeforeOneStageAndIsNotTheRulesWithin() {
        assertPattern("a -> b WITHIN 5 SECONDS OF PREVIOUS !c WITHIN 10ms OF PREVIOUS -> d? within 1 minute of previous",
                "STRICT:a RELAXED:b@gap=5000 STRICT:!c@gap=10 RELAXED:d{0,1}@gap=60000");
        assertCanonical("RULE r FROM s PATTERN a b? WITHIN 2s OF PREVIOUS WITHIN 1 HOUR", """
                RULE r
                  FROM s
                  PATTERN a b? WITHIN 2 SECONDS OF PREVIOUS
                  WITHIN 1 HOUR;
                """);
        assertCanonical("RULE r FROM s PATTERN a b WITHIN 1 HOUR WITHIN 1 SECOND BETWEEN EVENTS", """
                RULE r
                  FROM s
                  PATTERN a b
                  WITHIN 1 HOUR
                  WITHIN 1 SECOND BETWEEN EVENTS;
                """);
        assertPattern("previous -> of", "STRICT:previous RELAXED:of");
    }

    @Test
    void aBackquotedOptionalIsAVariable() {
        assertCanonical("RULE r FROM s PATTERN a{2} `optional` DEFINE optional AS size > 1", """
                RULE r
                  FROM s
                  PATTERN a{2} `optional`
                  DEFINE
                    optional AS size > 1;
                """);
    }

    @Test
    void strictAndRelaxedNegation() {
        assertPattern("a !b c -> !d -> e", "STRICT:a STRICT:!b STRICT:c RELAXED:!d RELAXED:e");
    }

    @Test
    void trailingNegationWithWindowMeansAbsence() {
        assertPattern("order -> !shipped", "STRICT:order RELAXED:!shipped");
    }

    @Test
    void groupsNestAndTakeQuantifiers() {
        assertPattern("(a b)+ -> (c -> (d e){2}) f",
                "STRICT:(STRICT:a STRICT:b){1,-1} RELAXED:(STRICT:c RELAXED:(STRICT:d STRICT:e){2,2}) STRICT:f");
    }

    @Test
    void nonReservedKeywordsAreUsableAsVariableNames() {
        assertPattern("first -> last -> next -> time", "STRICT:first RELAXED:last RELAXED:next RELAXED:time");
    }

    @Test
    void backquotesMakeAnyWordAName() {
        assertCanonical("RULE `on` FROM `from` PATTERN `greedy`+ -> `x y` DEFINE `x y` AS `and` = 1", """
                RULE `on`
                  FROM `from`
                  PATTERN `greedy`+ -> `x y`
                  DEFINE
                    `x y` AS `and` = 1;
                """);
    }

    // ------------------------------------------------------------------ DEFINE, EMIT

    @Test
    void defineConditionAndUntil() {
        Rule rule = parse("RULE r FROM s PATTERN a+ -> b DEFINE a AS x > 1 UNTIL y = 'stop'").rules().get(0);
        VarDef a = rule.define("a");
        assertEquals("(GT $x long:1@Long)", AstDump.of(a.condition()));
        assertEquals("(EQ $y string:'stop'@String)", AstDump.of(a.until()));
        assertNull(rule.define("b"));
    }

    @Test
    void streamBindingWithAndWithoutCondition() {
        Rule rule = parse("""
                RULE r FROM logins, payments PATTERN a -> b
                DEFINE a AS logins, b AS payments(amount > 500)
                """).rules().get(0);
        assertEquals("logins", rule.define("a").stream());
        assertNull(rule.define("a").condition());
        assertEquals("payments", rule.define("b").stream());
        assertEquals("(GT $amount long:500@Long)", AstDump.of(rule.define("b").condition()));
        assertRoundTrip(RulePrinter.print(rule));
    }

    @Test
    void aNameFollowedByParenthesesIsAFunctionUnlessItIsAFromStream() {
        Rule rule = parse("RULE r FROM s PATTERN a DEFINE a AS contains(name, 'x')").rules().get(0);
        assertNull(rule.define("a").stream());
        assertEquals("(CONTAINS $name string:'x'@String)", AstDump.of(rule.define("a").condition()));
    }

    @Test
    void aParenthesizedStreamNameIsAFieldNotABinding() {
        Rule rule = parse("RULE r FROM flag PATTERN a DEFINE a AS (flag)").rules().get(0);
        assertNull(rule.define("a").stream());
        assertEquals("$flag", AstDump.of(rule.define("a").condition()));
        assertCanonical("RULE r FROM flag PATTERN a DEFINE a AS (flag)", """
                RULE r
                  FROM flag
                  PATTERN a
                  DEFINE
                    a AS (flag);
                """);
    }

    @Test
    void emitAndTimeoutEmitWithFields() {
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 1m EMIT n = COUNT(a), t = b.ts ON TIMEOUT EMIT k = a.key",
                "emit [n=(COUNT $a), t=$b/ts]\n  timeout [k=$a/key]");
    }

    @Test
    void timeoutEmitAloneReportsTimeoutsWithoutFieldsAndAbsenceMeansNotReported() {
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 1m ON TIMEOUT EMIT", "timeout []");
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 1m", "timeout none");
        assertCanonical("RULE r FROM s PATTERN a -> b WITHIN 1m ON TIMEOUT EMIT", """
                RULE r
                  FROM s
                  PATTERN a -> b
                  WITHIN 1 MINUTE
                  ON TIMEOUT EMIT;
                """);
    }

    // ------------------------------------------------------------------ expressions

    @Test
    void precedenceFromOrDownToUnaryMinus() {
        assertExpr("a OR b AND NOT c = d + e * -f",
                "(OR $a (AND $b (NOT (EQ $c (ADD $d (MULTIPLY $e (NEGATE $f)))))))");
    }

    @Test
    void binaryOperatorsAreLeftAssociative() {
        assertExpr("a - b - c", "(SUBTRACT (SUBTRACT $a $b) $c)");
        assertExpr("a / b * c % d", "(MODULO (MULTIPLY (DIVIDE $a $b) $c) $d)");
        assertExpr("a - (b - c)", "(SUBTRACT $a (SUBTRACT $b $c))");
        assertCanonicalExpr("a - (b - c)", "a - (b - c)");
        assertCanonicalExpr("(a - b) - c", "a - b - c");
        assertCanonicalExpr("a AND (b AND c)", "a AND (b AND c)");
        assertCanonicalExpr("(a OR b) AND c", "(a OR b) AND c");
        assertCanonicalExpr("NOT (a AND b)", "NOT (a AND b)");
    }

    @Test
    void everyComparisonOperator() {
        assertExpr("a = 1 OR a == 1", "(OR (EQ $a long:1@Long) (EQ $a long:1@Long))");
        assertExpr("a <> 1 OR a != 1", "(OR (NE $a long:1@Long) (NE $a long:1@Long))");
        assertExpr("a < 1 OR a <= 1 OR a > 1 OR a >= 1",
                "(OR (OR (OR (LT $a long:1@Long) (LE $a long:1@Long)) (GT $a long:1@Long)) (GE $a long:1@Long))");
        assertCanonicalExpr("a == 1 AND b != 2", "a = 1 AND b <> 2");
    }

    @Test
    void inAndNotIn() {
        assertExpr("country IN ('DE', 'FR')", "(IN $country string:'DE'@String string:'FR'@String)");
        assertExpr("code NOT IN (1, 2 + 3)", "(NOT_IN $code long:1@Long (ADD long:2@Long long:3@Long))");
    }

    @Test
    void betweenBindsItsOwnAndBeforeTheBooleanAnd() {
        assertExpr("x BETWEEN 1 AND 5 AND y", "(AND (BETWEEN $x long:1@Long long:5@Long) $y)");
        assertExpr("x NOT BETWEEN a + 1 AND b", "(NOT_BETWEEN $x (ADD $a long:1@Long) $b)");
    }

    @Test
    void isNullAndIsNotNull() {
        assertExpr("a IS NULL OR b IS NOT NULL", "(OR (IS_NULL $a) (IS_NOT_NULL $b))");
    }

    @Test
    void likeAndMatchesWithNegations() {
        assertExpr("name LIKE 'adm%' AND name NOT LIKE '_x'",
                "(AND (LIKE $name string:'adm%'@String) (NOT_LIKE $name string:'_x'@String))");
        assertExpr("ua MATCHES 'bot|crawl' OR ua NOT MATCHES '^Mozilla'",
                "(OR (MATCHES $ua string:'bot|crawl'@String) (NOT_MATCHES $ua string:'^Mozilla'@String))");
    }

    @Test
    void literalsOfEveryKind() {
        assertExpr("42", "long:42@Long");
        assertExpr("2.50", "double:2.5@Double");
        assertExpr("1e3", "double:1000.0@Double");
        assertExpr("1.5E-2", "double:0.015@Double");
        assertExpr("'it''s'", "string:'it's'@String");
        assertExpr("TRUE", "boolean:true@Boolean");
        assertExpr("false", "boolean:false@Boolean");
        assertExpr("NULL", "null:null");
        assertExpr("10 SECONDS", "duration:10000@Long");
        assertExpr("500ms", "duration:500@Long");
    }

    @Test
    void minusBeforeANumberIsPartOfTheLiteral() {
        assertExpr("-5", "long:-5@Long");
        assertExpr("-2.5", "double:-2.5@Double");
        assertExpr("-10s", "duration:-10000@Long");
        assertExpr("-9223372036854775808", "long:-9223372036854775808@Long");
        assertExpr("-(5)", "(NEGATE long:5@Long)");
        assertExpr("- -5", "(NEGATE long:-5@Long)");
        assertExpr("-x", "(NEGATE $x)");
        assertCanonicalExpr("- -5", "-(-5)");
        assertCanonicalExpr("a - -5", "a - -5");
    }

    @Test
    void dottedReferencesAndBuiltInFields() {
        assertExpr("device.os.version", "$device/os/version");
        assertExpr("ts - a.ts", "(SUBTRACT $ts $a/ts)");
        assertExpr("stream", "$stream");
    }

    @Test
    void functionNamesAreUpperCased() {
        assertExpr("lower(name)", "(LOWER $name)");
        assertExpr("Geo_Distance(v.lat, v.lon, lat, lon)", "(GEO_DISTANCE $v/lat $v/lon $lat $lon)");
        assertExpr("first(v.x) + Last(v.x)", "(ADD (FIRST $v/x) (LAST $v/x))");
    }

    @Test
    void theIssueExampleReadsAndPrintsBack() {
        String text = """
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP)
                  EVENT TIME ts WATERMARK DELAY 5 SECONDS;

                RULE card_testing
                  SEVERITY high
                  FROM payments
                  PARTITION BY card_id
                  PATTERN probe{3,} -> big
                  WITHIN 10 MINUTES
                  DEFINE
                    probe AS amount < 2.00,
                    big   AS amount >= 500 AND merchant <> LAST(probe.merchant)
                  EMIT card = card_id, probes = COUNT(probe), total = SUM(probe.amount) + big.amount
                  AFTER MATCH SKIP PAST LAST EVENT;
                """;
        assertCanonical(text, """
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP)
                  EVENT TIME ts
                  WATERMARK DELAY 5 SECONDS;

                RULE card_testing
                  SEVERITY high
                  FROM payments
                  PARTITION BY card_id
                  PATTERN probe{3,} -> big
                  WITHIN 10 MINUTES
                  DEFINE
                    probe AS amount < 2.0,
                    big AS amount >= 500 AND merchant <> LAST(probe.merchant)
                  EMIT card = card_id, probes = COUNT(probe), total = SUM(probe.amount) + big.amount;
                """);
    }

    // ------------------------------------------------------------------ TO

    @Test
    void toSendsAlertsToConfiguredInlineAndLogSinksInTheOrderWritten() {
        assertCanonical("RULE r FROM s PATTERN a TO fraud_hook, webhook 'https://h.example/x?a=1', "
                + "FILE 'alerts/it''s.ndjson', Log", """
                RULE r
                  FROM s
                  PATTERN a
                  TO fraud_hook, webhook 'https://h.example/x?a=1', file 'alerts/it''s.ndjson', log;
                """);
        assertRuleDump("RULE r FROM s PATTERN a TO fraud_hook, webhook 'https://h.example/x', log",
                "to name fraud_hook\n  to webhook 'https://h.example/x'\n  to log");
    }

    @Test
    void withoutToARuleHasNoSinks() {
        assertTrue(parse("RULE r FROM s PATTERN a").rules().get(0).sinks().isEmpty());
    }

    @Test
    void configuredSinkNamesKeepTheirCaseAndMayBeBackquoted() {
        assertRuleDump("RULE r FROM s PATTERN a TO Fraud_Hook, `ops team`, first",
                "to name Fraud_Hook\n  to name ops team\n  to name first");
    }

    @Test
    void toClauseAndAfterMatchSkipToBothParseInEitherOrder() {
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP TO NEXT EVENT TO log",
                "skip TO_NEXT_EVENT\n  to log");
        assertRuleDump("RULE r FROM s PATTERN a b AFTER MATCH SKIP TO FIRST b TO hook",
                "skip TO_FIRST b\n  to name hook");
        assertRuleDump("RULE r FROM s PATTERN a b TO hook AFTER MATCH SKIP TO LAST a",
                "skip TO_LAST a\n  to name hook");
    }

    @Test
    void bareToAfterAPatternStartsTheToClauseAndABackquotedToIsAVariable() {
        Rule rule = parse("RULE r FROM s PATTERN a b TO log").rules().get(0);
        assertEquals("STRICT:a STRICT:b", AstDump.of(rule.pattern()));
        assertEquals(1, rule.sinks().size());
        assertCanonical("RULE r FROM s PATTERN a -> `to` DEFINE to AS to.to > 1 TO to", """
                RULE r
                  FROM s
                  PATTERN a -> `to`
                  DEFINE
                    to AS to.to > 1
                  TO to;
                """);
    }

    @Test
    void toMayFollowEveryClauseThatEndsInANameOrAnExpression() {
        assertRuleDump("RULE r FROM s PATTERN a -> b WITHIN 1m ON TIMEOUT EMIT TO log", "timeout []\n  skip "
                + "PAST_LAST_EVENT\n  to log");
        assertRuleDump("RULE r FROM s PATTERN a WITHIN 1m ON TIMEOUT EMIT to = a.x TO log", "timeout [to=$a/x]");
        assertRuleDump("RULE r FROM s PARTITION BY k TO h SEVERITY high PATTERN a", "to name h");
        assertRuleDump("RULE r FROM s PATTERN a DEFINE a AS x > 1 TO h EMIT e = 1", "to name h");
    }

    @Test
    void toGivenTwiceIsReported() {
        ParseResult result = RuleParser.parse("t.cep", "RULE r FROM s PATTERN a TO log TO h");
        assertEquals("t.cep:1:32: TO is given twice; each clause may appear once per rule",
                result.diagnostics().get(0).render().lines().findFirst().orElseThrow());
    }

    // ------------------------------------------------------------------ helpers

    static RuleFile parse(String text) {
        ParseResult result = RuleParser.parse("test.cep", text);
        assertTrue(result.ok(), () -> result.diagnostics().stream().map(Diagnostic::render)
                .collect(Collectors.joining("\n")));
        return result.file();
    }

    /** Parses, compares the canonical text, and checks that the canonical text reads back to the same AST. */
    private static void assertCanonical(String text, String expected) {
        RuleFile file = parse(text);
        String printed = RulePrinter.print(file);
        assertEquals(expected, printed);
        assertRoundTrip(printed);
        assertEquals(AstDump.of(file), AstDump.of(parse(printed)), "canonical text changed the AST");
    }

    static void assertRoundTrip(String text) {
        RuleFile first = parse(text);
        String printed = RulePrinter.print(first);
        RuleFile second = parse(printed);
        assertEquals(AstDump.of(first), AstDump.of(second), () -> "round trip changed the AST of\n" + printed);
        assertEquals(printed, RulePrinter.print(second), "printing is not stable");
    }

    private static void assertRuleDump(String text, String expectedPart) {
        RuleFile file = parse(text);
        String dump = AstDump.of(file);
        assertTrue(dump.contains(expectedPart), () -> "expected\n" + expectedPart + "\nin\n" + dump);
        assertRoundTrip(text);
    }

    private static void assertPattern(String pattern, String expectedDump) {
        String text = "RULE r FROM s PATTERN " + pattern + " WITHIN 1 MINUTE";
        assertEquals(expectedDump, AstDump.of(parse(text).rules().get(0).pattern()));
        assertRoundTrip(text);
    }

    /** Expressions are tested in EMIT, which takes a value of any type. */
    private static void assertExpr(String expr, String expectedDump) {
        String text = "RULE r FROM s PATTERN v EMIT e = " + expr;
        assertEquals(expectedDump, AstDump.of(parse(text).rules().get(0).emit().get(0).expression()));
        assertRoundTrip(text);
    }

    private static void assertCanonicalExpr(String expr, String expected) {
        String text = "RULE r FROM s PATTERN v EMIT e = " + expr;
        assertEquals(expected, RulePrinter.print(parse(text).rules().get(0).emit().get(0).expression()));
        assertRoundTrip(text);
    }
}

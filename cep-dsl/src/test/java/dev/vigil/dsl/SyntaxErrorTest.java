package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One test per syntax-level diagnostic: ANTLR errors rewritten into plain words, and what the builder reports
 * because the grammar lets it through on purpose (duration units, types, severities, quantifier bounds,
 * repeated clauses). Each asserts the exact rendered text.
 */
class SyntaxErrorTest {

    @Test
    void aMissingDurationUnitListsTheUnits() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 10""", """
                rules.cep:2:10: expected a duration unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS) after 10
                  |   WITHIN 10
                  |          ^^
                """);
    }

    @Test
    void anUnknownDurationUnitListsTheUnits() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 10 secs""", """
                rules.cep:2:13: unknown duration unit 'secs'; expected MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS
                  |   WITHIN 10 secs
                  |             ^^^^
                """);
    }

    @Test
    void anUnknownCompactUnitListsTheCompactUnits() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 10min""", """
                rules.cep:2:10: unknown duration unit 'min' in 10min; expected ms, s, m, h or d (for example 500ms, 10s, 5m) or a word: 10 SECONDS
                  |   WITHIN 10min
                  |          ^^^^^
                """);
    }

    @Test
    void aDurationNeedsAWholeNumber() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 1.5 HOURS""", """
                rules.cep:2:10: a duration needs a whole number, got 1.5; use a smaller unit (1.5 HOURS is 90 MINUTES)
                  |   WITHIN 1.5 HOURS
                  |          ^^^
                """);
    }

    @Test
    void aWindowMustBePositive() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 0 SECONDS""", """
                rules.cep:2:10: WITHIN needs a positive duration, got 0 SECONDS
                  |   WITHIN 0 SECONDS
                  |          ^^^^^^^^^
                """);
    }

    @Test
    void aDurationMustFitInALong() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 999999999999999999 DAYS""", """
                rules.cep:2:10: duration is too long; it must fit in 9223372036854775807 milliseconds
                  |   WITHIN 999999999999999999 DAYS
                  |          ^^^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void anUnknownTypeListsTheTypes() {
        assertDiagnostics("""
                STREAM s (a STR, b LONG)""", """
                rules.cep:1:13: unknown type 'STR'; expected STRING, LONG, DOUBLE, BOOLEAN or TIMESTAMP
                  | STREAM s (a STR, b LONG)
                  |             ^^^
                """);
    }

    @Test
    void anUnknownSeverityListsTheSeverities() {
        assertDiagnostics("""
                RULE r SEVERITY urgent FROM s PATTERN a""", """
                rules.cep:1:17: unknown severity 'urgent'; expected low, medium, high or critical
                  | RULE r SEVERITY urgent FROM s PATTERN a
                  |                 ^^^^^^
                """);
    }

    @Test
    void aClauseMayAppearOnlyOnce() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a PATTERN b WITHIN 1s WITHIN 2s""", """
                rules.cep:1:25: PATTERN is given twice; each clause may appear once per rule
                  | RULE r FROM s PATTERN a PATTERN b WITHIN 1s WITHIN 2s
                  |                         ^^^^^^^
                rules.cep:1:45: WITHIN is given twice; each clause may appear once per rule
                  | RULE r FROM s PATTERN a PATTERN b WITHIN 1s WITHIN 2s
                  |                                             ^^^^^^
                """);
    }

    @Test
    void aStreamOptionMayAppearOnlyOnce() {
        assertDiagnostics("""
                STREAM s (a LONG, t TIMESTAMP) EVENT TIME t EVENT TIME t""", """
                rules.cep:1:45: EVENT TIME is given twice; each clause may appear once per stream
                  | STREAM s (a LONG, t TIMESTAMP) EVENT TIME t EVENT TIME t
                  |                                             ^^^^^
                """);
    }

    @Test
    void fromAndPatternAreRequired() {
        assertDiagnostics("""
                RULE r SEVERITY high""", """
                rules.cep:1:6: rule 'r' has no FROM clause; expected FROM followed by the streams it reads, e.g. FROM payments
                  | RULE r SEVERITY high
                  |      ^
                rules.cep:1:6: rule 'r' has no PATTERN clause; expected PATTERN followed by the sequence to find, e.g. PATTERN a -> b
                  | RULE r SEVERITY high
                  |      ^
                """);
    }

    @Test
    void aStreamListedTwiceInFromIsReported() {
        assertDiagnostics("""
                RULE r FROM s, t, s PATTERN a""", """
                rules.cep:1:19: stream 's' is listed twice in FROM
                  | RULE r FROM s, t, s PATTERN a
                  |                   ^
                """);
    }

    @Test
    void aQuantifierMustAllowAtLeastOneEvent() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a{0} b{0,0}""", """
                rules.cep:1:24: quantifier {0} matches nothing; expected at least 1 as upper bound (use ? or {0,1} for an optional stage)
                  | RULE r FROM s PATTERN a{0} b{0,0}
                  |                        ^^^
                rules.cep:1:29: quantifier {0,0} matches nothing; expected at least 1 as upper bound (use ? or {0,1} for an optional stage)
                  | RULE r FROM s PATTERN a{0} b{0,0}
                  |                             ^^^^^
                """);
    }

    @Test
    void quantifierBoundsMustBeInOrder() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a{3,2}""", """
                rules.cep:1:24: quantifier {3,2} has its bounds reversed; expected {2,3}
                  | RULE r FROM s PATTERN a{3,2}
                  |                        ^^^^^
                """);
    }

    @Test
    void aQuantifierBoundMustFitInAnInt() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a{99999999999}""", """
                rules.cep:1:24: quantifier bound 99999999999 is too large; expected at most 2147483647
                  | RULE r FROM s PATTERN a{99999999999}
                  |                        ^^^^^^^^^^^^^
                """);
    }

    @Test
    void optionalAppliesToACountThatIsNotOptionalAlready() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a b* OPTIONAL c{2,3} OPTIONAL OPTIONAL""", """
                rules.cep:1:28: quantifier * is optional already: OPTIONAL makes a count optional, as in {2,4} OPTIONAL (no event, or 2 to 4)
                  | RULE r FROM s PATTERN a b* OPTIONAL c{2,3} OPTIONAL OPTIONAL
                  |                            ^^^^^^^^
                rules.cep:1:53: OPTIONAL is written twice; once is enough
                  | RULE r FROM s PATTERN a b* OPTIONAL c{2,3} OPTIONAL OPTIONAL
                  |                                                     ^^^^^^^^
                """);
    }

    @Test
    void quantifierModifiersAreNotRepeated() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a b+ GREEDY GREEDY c+ CONSECUTIVE RELAXED""", """
                rules.cep:1:35: GREEDY is written twice; once is enough
                  | RULE r FROM s PATTERN a b+ GREEDY GREEDY c+ CONSECUTIVE RELAXED
                  |                                   ^^^^^^
                rules.cep:1:57: a quantifier takes at most one of CONSECUTIVE, RELAXED or COMBINATIONS; remove RELAXED
                  | RULE r FROM s PATTERN a b+ GREEDY GREEDY c+ CONSECUTIVE RELAXED
                  |                                                         ^^^^^^^
                """);
    }

    @Test
    void anIntegerMustFitInALong() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS x > 9223372036854775808""", """
                rules.cep:2:19: number 9223372036854775808 is too large; whole numbers range from -9223372036854775808 to 9223372036854775807
                  |   DEFINE a AS x > 9223372036854775808
                  |                   ^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void aStreamBindingTakesOneCondition() {
        assertDiagnostics("""
                RULE r FROM payments PATTERN a
                  DEFINE a AS payments(x > 1, y < 2)""", """
                rules.cep:2:15: binding 'a' to stream payments takes one condition, got 2; join them with AND: payments(a AND b)
                  |   DEFINE a AS payments(x > 1, y < 2)
                  |               ^^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void anUnexpectedTokenListsWhatWasExpected() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> -> b""", """
                rules.cep:1:28: unexpected '->' in PATTERN; expected PERMUTE, '!', '(' or a name
                  | RULE r FROM s PATTERN a -> -> b
                  |                            ^^
                """);
    }

    @Test
    void aMisspeltKeywordIsNamed() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a b WITHN 10 SECONDS""", """
                rules.cep:1:33: unexpected '10' in RULE r; expected an operator or a clause (SEVERITY, FROM, PARTITION BY, PATTERN, WITHIN, DEFINE, EMIT, ON TIMEOUT EMIT or AFTER MATCH SKIP), or ';' to end the rule ('WITHN' is read as a name; did you mean WITHIN?)
                  | RULE r FROM s PATTERN a b WITHN 10 SECONDS
                  |                                 ^^
                """);
    }

    @Test
    void statementsAreSeparatedBySemicolons() {
        assertDiagnostics("""
                STREAM s (a LONG)
                RULE r FROM s PATTERN a""", """
                rules.cep:2:1: unexpected 'RULE' in STREAM s; expected EVENT TIME, WATERMARK DELAY or ';' to end the declaration
                  | RULE r FROM s PATTERN a
                  | ^^^^
                """);
    }

    @Test
    void anUnclosedStringIsReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS name = 'bob""", """
                rules.cep:2:22: string is not closed; add a ' at its end (write '' for a quote inside a string)
                  |   DEFINE a AS name = 'bob
                  |                      ^^^^
                """);
    }

    @Test
    void anUnclosedCommentIsReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a /* forgot to close""", """
                rules.cep:1:25: comment is not closed; end it with */
                  | RULE r FROM s PATTERN a /* forgot to close
                  |                         ^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void anUnexpectedCharacterIsReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS x # 2""", """
                rules.cep:2:17: unexpected character '#'; names are letters, digits and _, strings are in 'single quotes'
                  |   DEFINE a AS x # 2
                  |                 ^
                rules.cep:2:19: unexpected '2' in RULE r; expected an operator or a clause (SEVERITY, FROM, PARTITION BY, PATTERN, WITHIN, DEFINE, EMIT, ON TIMEOUT EMIT or AFTER MATCH SKIP), or ';' to end the rule
                  |   DEFINE a AS x # 2
                  |                   ^
                """);
    }

    @Test
    void anIncompleteExpressionIsReportedAtTheEnd() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS x > 1 AND""", """
                rules.cep:2:24: unexpected end of input in DEFINE; expected an expression
                  |   DEFINE a AS x > 1 AND
                  |                        ^
                """);
    }

    @Test
    void comparisonsDoNotChain() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS 1 < x < 5""", """
                rules.cep:2:21: unexpected '<': comparisons do not chain; join them with AND, as in a < b AND b < c
                  |   DEFINE a AS 1 < x < 5
                  |                     ^
                """);
    }

    @Test
    void aBadQuantifierIsReportedInPlainWords() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a{2,x}""", """
                rules.cep:1:27: unexpected 'x' in a quantifier; expected '}' or a number
                  | RULE r FROM s PATTERN a{2,x}
                  |                           ^
                """);
    }

    @Test
    void aSyntaxErrorInOneRuleDoesNotHideMistakesInAnother() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a ->;
                RULE q FROM s PATTERN a
                  DEFINE b AS TRUE""", """
                rules.cep:1:27: unexpected ';' in PATTERN; expected PERMUTE, '!', '(' or a name
                  | RULE r FROM s PATTERN a ->;
                  |                           ^
                rules.cep:3:10: 'b' is defined but does not appear in PATTERN; pattern variables are a
                  |   DEFINE b AS TRUE
                  |          ^
                """);
    }

    @Test
    void aMisspeltClauseKeywordIsTheOnlyMistakeReportedInItsRule() {
        // the clauses after it are not read, but they are not missing: the misspelling is the mistake; and the
        // rules after it are still read and checked
        assertDiagnostics("""
                RULE typo_rule
                  FROM payments
                  PARTITON BY card_id
                  PATTERN a -> b
                  DEFINE a AS amount > 1;
                RULE fine FROM payments PATTERN a DEFINE a AS 'x'""", """
                rules.cep:3:3: unexpected 'PARTITON' in RULE typo_rule; expected an operator or a clause (SEVERITY, FROM, PARTITION BY, PATTERN, WITHIN, DEFINE, EMIT, ON TIMEOUT EMIT or AFTER MATCH SKIP), or ';' to end the rule ('PARTITON' is read as a name; did you mean PARTITION?)
                  |   PARTITON BY card_id
                  |   ^^^^^^^^
                rules.cep:6:47: the condition of 'a' must be BOOLEAN, but 'x' is a STRING
                  | RULE fine FROM payments PATTERN a DEFINE a AS 'x'
                  |                                               ^^^
                """);
    }

    // ------------------------------------------------------------------ helpers

    /** Every diagnostic of {@code text}, rendered as {@code vigil check} prints them, one after another. */
    private static void assertDiagnostics(String text, String expected) {
        ParseResult result = RuleParser.parse("rules.cep", text);
        String rendered = result.diagnostics().stream().map(d -> d.render() + "\n").collect(Collectors.joining());
        assertEquals(expected, rendered);
    }

    private static void assertNoDiagnostics(String text) {
        assertDiagnostics(text, "");
    }
}

package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ast.RuleFile;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The SQL front end ({@code .sql} files, MATCH_RECOGNIZE as Flink SQL writes it): each translation is asserted as
 * the rule-language text the AST prints to, since that text has its meaning pinned by the rest of the tests (the
 * engine's Flink differential test among them), and each refusal by its exact position and words.
 */
class SqlFrontEndTest {

    @Test
    void aWholeFileReadsAsTheRuleLanguageWouldWriteIt() {
        assertEquals("""
                STREAM payments (card STRING, amount DOUBLE, merchant STRING, n LONG, ok BOOLEAN, at TIMESTAMP)
                  EVENT TIME at
                  WATERMARK DELAY 5 SECONDS;

                RULE card_testing
                  FROM payments
                  PARTITION BY card
                  PATTERN small{3,} GREEDY CONSECUTIVE -> big
                  WITHIN 10 MINUTES
                  DEFINE
                    small AS amount < 2 AND (small.amount IS NULL OR amount <= small.amount + 1),
                    big AS amount > 100 * AVG(small.amount)
                  EMIT card = card, first_at = FIRST(small.at), probes = COUNT(small), big_amount = big.amount;
                """, translate("""
                -- card testing: small probes, then a big payment
                CREATE TABLE payments (
                  card STRING, amount DOUBLE, merchant VARCHAR(40), n BIGINT NOT NULL, ok BOOLEAN, at TIMESTAMP(3),
                  WATERMARK FOR at AS at - INTERVAL '5' SECOND
                );

                CREATE VIEW card_testing AS
                SELECT * FROM payments
                MATCH_RECOGNIZE (
                  PARTITION BY card
                  ORDER BY at
                  MEASURES FIRST(small.at) AS first_at, COUNT(small.*) AS probes, big.amount AS big_amount
                  ONE ROW PER MATCH
                  AFTER MATCH SKIP PAST LAST ROW
                  PATTERN (small{3,} {- other*? -} big) WITHIN INTERVAL '10' MINUTE
                  DEFINE
                    small AS small.amount < 2 AND (LAST(small.amount, 1) IS NULL
                                                   OR small.amount <= LAST(small.amount, 1) + 1),
                    big AS big.amount > 100 * AVG(small.amount)
                ) AS T;
                """));
    }

    /** Flink SQL's own translation (StreamExecMatch): strict concatenation, consecutive loops, greedy by default. */
    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "A B C => A B C",
            "A B+? C => A B+ CONSECUTIVE C",
            "A B+ C => A B+ GREEDY CONSECUTIVE C",
            "A B* C => A B* GREEDY CONSECUTIVE C",
            "A B*? C => A B* CONSECUTIVE C",
            "A B? C => A B? C",
            "A B{0,1} C => A B? C",
            "A B{3} C => A B{3} CONSECUTIVE C",
            "A B{3}? C => A B{3} CONSECUTIVE C",
            "A B{2,4} C => A B{2,4} GREEDY CONSECUTIVE C",
            "A B{2,4}? C => A B{2,4} CONSECUTIVE C",
            "A B{,4}? C => A B{0,4} CONSECUTIVE C",
            "A B{2,}? C => A B{2,} CONSECUTIVE C",
            "A {- X*? -} B => A -> B",
            "A {- X* -} B => A ->> B",
            "A (B C)+? D => A (B C)+ CONSECUTIVE D",
            "A B+? => A B+ CONSECUTIVE",
            "A (B | C D) E => A (B | C D) E",
            "A | B C => (A | B C)",
            "A (B | C)+? D => A (B | C)+ CONSECUTIVE D",
            "PERMUTE(A, B C) D => PERMUTE(A, B C) D",
            "S PERMUTE(A, B | C) => S PERMUTE(A, (B | C))",
    })
    void patternsTranslateAsFlinkSqlTranslatesThem(String sql, String rule) {
        String printed = translate("CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (" + sql
                + "));");
        String pattern = printed.lines().filter(line -> line.startsWith("  PATTERN ")).findFirst().orElseThrow();
        assertEquals("  PATTERN " + rule, pattern.replace(";", ""));
    }

    /** SQL's running semantics in the variable's own DEFINE; other variables' rows are all accepted already. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "B.x > 1                      | x > 1",
            "x > A.x                      | x > A.x",
            "LAST(B.x) > LAST(B.x, 1)     | x > B.x",
            "LAST(B.x, 0) > LAST(A.x)     | x > LAST(A.x)",
            "FIRST(B.x) < B.x             | COALESCE(FIRST(B.x), x) < x",
            "MIN(B.x) > FIRST(A.x)        | LEAST(MIN(B.x), x) > FIRST(A.x)",
            "MAX(B.x) < AVG(A.x)          | GREATEST(MAX(B.x), x) < AVG(A.x)",
            "COUNT(B.*) <= COUNT(A.*)     | COUNT(B) + 1 <= COUNT(A)",
            "ABS(B.x - A.x) IN (1, 2)     | ABS(x - A.x) IN (1, 2)",
    })
    void defineReadsRowsAsSqlDoes(String sql, String rule) {
        String printed = translate("CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B+?)"
                + " DEFINE B AS " + sql + ");");
        String define = printed.lines().filter(line -> line.startsWith("    B AS ")).findFirst().orElseThrow();
        assertEquals("    B AS " + rule, define.replace(";", ""));
    }

    @Test
    void theSelectListChoosesTheAlertFields() {
        String printed = translate("""
                CREATE VIEW r AS SELECT T.last_x, k, first_x FROM s MATCH_RECOGNIZE (
                  PARTITION BY k ORDER BY ts
                  MEASURES FIRST(A.x) AS first_x, LAST(A.x) AS last_x, MATCH_ROWTIME() AS at
                  PATTERN (A+? B)) AS T;""");
        assertTrue(printed.contains("  EMIT last_x = LAST(A.x), k = k, first_x = FIRST(A.x)\n"), printed);
        assertTrue(printed.contains("  AFTER MATCH SKIP TO NEXT EVENT;"), "Flink SQL's default skip: " + printed);
    }

    @Test
    void skipStrategiesMapOneToOne() {
        for (String[] pair : new String[][] {{"SKIP TO NEXT ROW", "AFTER MATCH SKIP TO NEXT EVENT"},
                {"SKIP TO FIRST B", "AFTER MATCH SKIP TO FIRST B"}, {"SKIP TO LAST B", "AFTER MATCH SKIP TO LAST B"},
                {"SKIP TO B", "AFTER MATCH SKIP TO LAST B"}}) {
            String printed = translate("CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH "
                    + pair[0] + " PATTERN (A B C));");
            assertTrue(printed.contains(pair[1]), pair[0] + " gave " + printed);
        }
    }

    @Test
    void flinkSqlRefusalsKeepTheirReasons() {
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B+));""", """
                rules.sql:1:75: greedy quantifiers are not allowed as the last element of a pattern (as in Flink \
                SQL: such a match could only end when a row breaks it); make it reluctant with a trailing ?, as in B+?
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B+));
                  |                                                                           ^
                """);
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A (B | C+)));""", """
                rules.sql:1:80: greedy quantifiers are not allowed as the last element of a pattern (as in Flink \
                SQL: such a match could only end when a row breaks it); make it reluctant with a trailing ?, as in B+?
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A (B | C+)));
                  |                                                                                ^
                """);
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts ALL ROWS PER MATCH PATTERN (A B));""", """
                rules.sql:1:63: ALL ROWS PER MATCH is not supported (as in Flink SQL): a match gives one alert; \
                write ONE ROW PER MATCH or leave it out
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts ALL ROWS PER MATCH PATTERN (A B));
                  |                                                               ^^^^^^^^^^^^^^^^^^
                """);
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN ({- X*? -} B));""", """
                rules.sql:1:72: {- -} cannot start a pattern (as in Flink SQL): it says how the rows around it follow \
                each other
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN ({- X*? -} B));
                  |                                                                        ^^^^^^^^^
                """);
    }

    @Test
    void expressionMistakesArePlacedInTheSqlFile() {
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (
                  ORDER BY ts
                  MEASURES PREV(A.x) AS p
                  PATTERN (A B)
                  DEFINE B AS B.x >> 2,
                         A AS SUM(A.x) > LAST(B.x, 2));""", """
                rules.sql:3:12: PREV (navigation by physical row) is not supported, as in Flink SQL; use LAST(A.f, 1) \
                for the row before in the variable being defined, or another variable's LAST(B.f)
                  |   MEASURES PREV(A.x) AS p
                  |            ^^^^^^^^^
                rules.sql:5:20: unexpected '>'; expected an expression
                  |   DEFINE B AS B.x >> 2,
                  |                    ^
                rules.sql:6:15: SUM over A inside A's own DEFINE would include the row being classified, which rules \
                cannot express; compare with SUM over another variable, or with LAST(A.x, 1)
                  |          A AS SUM(A.x) > LAST(B.x, 2));
                  |               ^^^^^^^^
                rules.sql:6:26: LAST with offset 2 is not supported here: rules keep no offsets into a variable's rows \
                other than LAST(A.f, 1) in A's own DEFINE
                  |          A AS SUM(A.x) > LAST(B.x, 2));
                  |                          ^^^^^^^^^^^^
                """);
    }

    @Test
    void orderByMustBeTheEventTime() {
        assertDiagnostics("""
                CREATE TABLE s (k STRING, at TIMESTAMP(3), WATERMARK FOR at AS at);
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B));""", """
                rules.sql:2:60: ORDER BY ts: rows are matched in order of their event time, which is at for table s \
                (its WATERMARK column); write ORDER BY at
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B));
                  |                                                            ^^
                """);
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (PATTERN (A B));""", """
                rules.sql:1:13: MATCH_RECOGNIZE needs ORDER BY the event time column (as Flink SQL does), e.g. ORDER BY ts
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (PATTERN (A B));
                  |             ^
                """);
    }

    @Test
    void syntaxErrorsNameWhatWasExpected() {
        assertDiagnostics("""
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN A B);""", """
                rules.sql:1:71: unexpected 'A'; expected '('
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN A B);
                  |                                                                       ^
                rules.sql:1:75: unexpected ';'; expected ')'
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN A B);
                  |                                                                           ^
                """);
    }

    @Test
    void theCheckerJudgesTranslatedRulesAsAnyOther() {
        assertDiagnostics("""
                CREATE TABLE s (k STRING, x DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B) DEFINE B AS B.y > 1);""",
                """
                rules.sql:2:89: unknown field 'y'; fields of s are k, x and ts
                  | CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B) DEFINE B AS B.y > 1);
                  |                                                                                         ^^^
                """);
    }

    @Test
    void deepNestingIsBoundedNotOverflowed() {
        String deep = "(".repeat(5_000) + "1" + ")".repeat(5_000);
        ParseResult result = RuleParser.parse("rules.sql", "CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE ("
                + "ORDER BY ts PATTERN (A B) DEFINE B AS x = " + deep + ");");
        assertFalse(result.ok());
        assertTrue(result.diagnostics().get(0).message().startsWith("nested more than"),
                result.diagnostics().get(0).message());
    }

    @Test
    void aCepFileIsNotReadAsSql() {
        assertTrue(RuleParser.isSql("rules/fraud.SQL"));
        assertFalse(RuleParser.isSql("rules/fraud.cep"));
        assertFalse(RuleParser.parse("rules.cep", "CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (ORDER BY ts "
                + "PATTERN (A B));").ok());
    }

    private static String translate(String sql) {
        ParseResult result = RuleParser.parse("rules.sql", sql);
        assertTrue(result.ok(), () -> Diagnostic.renderAll(result.diagnostics()));
        RuleFile file = result.orThrow();
        return RulePrinter.print(file);
    }

    private static void assertDiagnostics(String sql, String expected) {
        ParseResult result = RuleParser.parse("rules.sql", sql);
        List<Diagnostic> diagnostics = result.diagnostics();
        assertEquals(expected, diagnostics.stream().map(d -> d.render() + "\n").collect(Collectors.joining()));
    }
}

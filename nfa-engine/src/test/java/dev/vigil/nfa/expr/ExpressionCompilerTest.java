package dev.vigil.nfa.expr;

import static dev.vigil.nfa.expr.Fixtures.COMPILER;
import static dev.vigil.nfa.expr.Fixtures.MATCH;
import static dev.vigil.nfa.expr.Fixtures.PAYMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.nfa.Event;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The expression language, one case per line, evaluated against {@link Fixtures#PAYMENT} (the current
 * event) and {@link Fixtures#MATCH} (probe: three events, big: one, idle: none).
 */
class ExpressionCompilerTest {

    @TestFactory
    Stream<DynamicTest> namesResolveToVariablesOrTheCurrentEvent() {
        return Table.values(PAYMENT, MATCH, """
                amount               => 12.5
                qty                  => 3
                price                => 19.99
                huge                 => 1.2345678901234568E29
                device.os            => 'ios'
                device.version       => 17
                device.screen.dpi    => 460
                device.missing       => null
                device.os.deeper     => null
                missing              => null
                missing.deeper       => null
                nothing              => null
                -- ts and stream are the event's own, even when a field is called ts
                ts                   => 60000
                stream               => 'payments'
                -- v.f is a field of v's last event
                probe.merchant       => 'M3'
                probe.n              => 30
                probe.ts             => 3000
                big.stream           => 'transfers'
                big.amount           => 900
                idle.amount          => null
                idle.ts              => null
                idle.stream          => null
                """);
    }

    @Test
    void aVariableShadowsAFieldOfTheSameName() {
        Event event = Fixtures.event("payments", 0, Fixtures.fields("probe", Fixtures.fields("merchant", "field")));
        assertEquals("M3", COMPILER.value(ExprText.parse("probe.merchant")).evaluate(event, MATCH));
        assertEquals("field", new ExpressionCompiler(List.of("other"))
                .value(ExprText.parse("probe.merchant")).evaluate(event, MATCH));
    }

    @Test
    void nestedObjectsAndListsAreReturnedAsReceived() {
        assertSame(PAYMENT.field("device"), COMPILER.value(ExprText.parse("device")).evaluate(PAYMENT, MATCH));
        assertSame(PAYMENT.field("tags"), COMPILER.value(ExprText.parse("tags")).evaluate(PAYMENT, MATCH));
    }

    @TestFactory
    Stream<DynamicTest> arithmetic() {
        return Table.values(PAYMENT, MATCH, """
                1 + 2                        => 3
                qty * 2                      => 6
                qty + 0.5                    => 3.5
                amount - qty                 => 9.5
                2 * 3 + 4                    => 10
                2 * (3 + 4)                  => 14
                10 - 4 - 3                   => 3
                -- division is always a Double; by zero it is null
                7 / 2                        => 3.5
                6 / 3                        => 2.0
                7 / 0                        => null
                7.0 / 0                      => null
                7 / 0.0                      => null
                -- remainder keeps Longs, takes the dividend's sign
                7 % 3                        => 1
                -7 % 3                       => -1
                7.5 % 2                      => 1.5
                7 % 0                        => null
                7.5 % 0                      => null
                -- Long overflow falls back to Double instead of wrapping around
                max + 1                      => 9.223372036854776E18
                min - 1                      => -9.223372036854776E18
                max * 2                      => 1.8446744073709552E19
                3037000500 * 3037000500      => 9.22337203700025E18
                3037000499 * 3037000499      => 9223372030926249001
                min * -1                     => 9.223372036854776E18
                max - 1 + 1                  => 9223372036854775807
                -min                         => 9.223372036854776E18
                -qty                         => -3
                -amount                      => -12.5
                huge * 2                     => 2.4691357802469136E29
                price * 100                  => ~1999.0
                -- durations are Long milliseconds
                5 MINUTES                    => 300000
                2 HOURS + 1 SECOND           => 7201000
                ts - probe.ts                => 57000
                -- null and non-numbers make the result null
                nothing + 1                  => null
                1 + missing                  => null
                missing * 2                  => null
                -missing                     => null
                card + 1                     => null
                'a' + 'b'                    => null
                -card                        => null
                flag + 1                     => null
                device + 1                   => null
                """);
    }

    @TestFactory
    Stream<DynamicTest> comparisons() {
        return Table.conditions(PAYMENT, MATCH, """
                amount > 12                          => true
                amount > 12.5                        => false
                amount >= 12.5                       => true
                amount < 12.5                        => false
                amount <= 12.5                       => true
                amount = 12.5                        => true
                amount <> 12.5                       => false
                -- Long and Double compare by value, exactly
                qty = 3                              => true
                qty = 3.0                            => true
                two = 2                              => true
                two <> 2                             => false
                qty < 3.5                            => true
                qty <= 2.9999                        => false
                max > 9.2e18                         => true
                max = 9223372036854775808.0          => false
                max < 9223372036854775808.0          => true
                9007199254740993 > 9007199254740992.0 => true
                9007199254740993 = 9007199254740992.0 => false
                min = -9223372036854775808.0         => true
                huge > max                           => true
                -- strings compare lexicographically, case-sensitively
                card = '4111-XX'                     => true
                card < 'Z'                           => true
                'a' < 'b'                            => true
                'b' < 'a'                            => false
                'B' < 'a'                            => true
                'abc' >= 'abc'                       => true
                -- booleans only compare for equality
                flag = TRUE                          => true
                flag = FALSE                         => false
                flag <> FALSE                        => true
                flag <> TRUE                         => false
                flag < TRUE                          => false
                flag >= TRUE                         => false
                flag <= TRUE                         => false
                flag BETWEEN TRUE AND TRUE           => false
                off < flag                           => false
                -- mixed kinds: false for every operator, <> included
                card = 1                             => false
                card <> 1                            => false
                qty = '3'                            => false
                qty <> '3'                           => false
                flag = 1                             => false
                flag <> 'true'                       => false
                device = device                      => false
                -- null: false for every operator, <> included; so NOT of it is true
                nothing = nothing                    => false
                missing = NULL                       => false
                missing <> 1                         => false
                1 <> missing                         => false
                missing < 1                          => false
                missing >= 1                         => false
                NOT (missing > 1)                    => true
                NOT (missing <> 1)                   => true
                idle.amount < 1                      => false
                -- NaN equals and orders nothing
                nan = nan                            => false
                nan <> 1                             => false
                nan < 1                              => false
                -- durations against time differences
                ts - probe.ts < 1 MINUTE             => true
                ts - FIRST(probe.ts) < 59 SECONDS    => false
                """);
    }

    @TestFactory
    Stream<DynamicTest> logicTreatsEverythingButTrueAsFalse() {
        return Table.conditions(PAYMENT, MATCH, """
                TRUE AND TRUE                        => true
                TRUE AND FALSE                       => false
                FALSE AND TRUE                       => false
                FALSE OR TRUE                        => true
                TRUE OR FALSE                        => true
                FALSE OR FALSE                       => false
                NOT TRUE                             => false
                NOT FALSE                            => true
                NOT NOT TRUE                         => true
                flag                                 => true
                off                                  => false
                NOT off                              => true
                missing                              => false
                NOT missing                          => true
                card                                 => false
                NOT card                             => true
                qty                                  => false
                NULL                                 => false
                amount > 1 AND card = '4111-XX'      => true
                amount > 100 OR merchant = 'ACME Corp' => true
                NOT amount > 100                     => true
                missing > 1 OR TRUE                  => true
                missing > 1 AND TRUE                 => false
                missing OR flag                      => true
                FALSE OR TRUE AND FALSE              => false
                """);
    }

    @TestFactory
    Stream<DynamicTest> booleansAsValuesAreNeverNull() {
        return Table.values(PAYMENT, MATCH, """
                amount > 1                           => true
                missing > 1                          => false
                NOT missing                          => true
                missing IS NULL                      => true
                flag AND missing                     => false
                -- a plain value keeps its own type
                flag                                 => true
                COALESCE(missing, flag)              => true
                """);
    }

    @TestFactory
    Stream<DynamicTest> inBetweenAndIsNull() {
        return Table.conditions(PAYMENT, MATCH, """
                qty IN (1, 2, 3)                     => true
                qty IN (1.0, 3.0)                    => true
                qty IN (1, 2)                        => false
                card IN ('x', '4111-XX')             => true
                qty IN (amount - 9.5, 7)             => true
                flag IN (FALSE, TRUE)                => true
                qty IN (NULL, 3)                     => true
                qty NOT IN (1, 2)                    => true
                qty NOT IN (1, 3)                    => false
                flag NOT IN (FALSE)                  => true
                -- NOT IN is v <> a AND v <> b: null and mixed kinds make it false, as in SQL
                qty NOT IN (1, NULL)                 => false
                qty NOT IN (1, 'x')                  => false
                missing IN (1, NULL)                 => false
                missing NOT IN (1, 2)                => false
                NOT (missing IN (1, 2))              => true
                amount BETWEEN 10 AND 20             => true
                amount BETWEEN 12.5 AND 12.5         => true
                qty BETWEEN 1 AND 3                  => true
                qty BETWEEN 3 AND 2                  => false
                card BETWEEN '3' AND '5'             => true
                amount BETWEEN 'a' AND 'z'           => false
                amount NOT BETWEEN 10 AND 20         => false
                amount NOT BETWEEN 13 AND 20         => true
                amount NOT BETWEEN 1 AND 12          => true
                -- NOT BETWEEN is v < low OR v > high
                missing BETWEEN 1 AND 2              => false
                missing NOT BETWEEN 1 AND 2          => false
                amount BETWEEN missing AND 20        => false
                amount NOT BETWEEN 13 AND missing    => true
                amount NOT BETWEEN 1 AND missing     => false
                missing IS NULL                      => true
                nothing IS NULL                      => true
                device.missing IS NULL               => true
                idle.amount IS NULL                  => true
                amount IS NULL                       => false
                empty IS NULL                        => false
                amount IS NOT NULL                   => true
                missing IS NOT NULL                  => false
                probe.amount IS NOT NULL             => true
                """);
    }

    @TestFactory
    Stream<DynamicTest> like() {
        return Table.conditions(PAYMENT, MATCH, """
                merchant LIKE 'ACME%'                => true
                merchant LIKE '%Corp'                => true
                merchant LIKE '%ME C%'               => true
                merchant LIKE 'A%C%p'                => true
                merchant LIKE 'A%C%r'                => false
                merchant LIKE 'ACME_Corp'            => true
                merchant LIKE 'ACME__Corp'           => false
                merchant LIKE '%%%'                  => true
                -- the whole string must match, case-sensitively
                merchant LIKE 'ACME'                 => false
                merchant LIKE 'acme%'                => false
                merchant LIKE ''                     => false
                empty LIKE ''                        => true
                empty LIKE '%'                       => true
                empty LIKE '_'                       => false
                card LIKE '4111-__'                  => true
                'aaa' LIKE '%a%a%a%'                 => true
                'aa' LIKE '%a%a%a%'                  => false
                'mississippi' LIKE '%iss%ppi'        => true
                'mississippi' LIKE 'm%ss_ss%i'       => true
                -- a backslash makes the next character literal
                '50%' LIKE '50\\%'                   => true
                '500' LIKE '50\\%'                   => false
                'a_b' LIKE 'a\\_b'                   => true
                'axb' LIKE 'a\\_b'                   => false
                'a\\b' LIKE 'a\\\\b'                 => true
                'ab\\' LIKE 'ab\\'                   => true
                merchant NOT LIKE 'ACME%'            => false
                merchant NOT LIKE 'X%'               => true
                -- both sides must be strings, negated or not
                missing LIKE '%'                     => false
                missing NOT LIKE 'x'                 => false
                qty LIKE '3'                         => false
                merchant LIKE missing                => false
                merchant NOT LIKE missing            => false
                -- a computed pattern works as well as a literal one
                merchant LIKE CONCAT(SUBSTRING(merchant, 1, 4), '%') => true
                merchant LIKE LOWER(merchant)        => false
                """);
    }

    @TestFactory
    Stream<DynamicTest> matchesFindsAJavaRegexAnywhere() {
        return Table.conditions(PAYMENT, MATCH, """
                merchant MATCHES 'ME'                => true
                merchant MATCHES '^ME'               => false
                merchant MATCHES '^AC.*p$'           => true
                card MATCHES '^[0-9]{4}-'            => true
                merchant MATCHES '(?i)acme corp'     => true
                merchant MATCHES 'acme'              => false
                empty MATCHES ''                     => true
                merchant NOT MATCHES 'xyz'           => true
                merchant NOT MATCHES 'ACME'          => false
                missing MATCHES '.*'                 => false
                missing NOT MATCHES 'x'              => false
                qty MATCHES '3'                      => false
                merchant MATCHES missing             => false
                -- computed regexes; an invalid one matches nothing, negated or not
                merchant MATCHES SUBSTRING(merchant, 6) => true
                merchant MATCHES card                => false
                merchant MATCHES CONCAT('[', 'x')    => false
                merchant NOT MATCHES CONCAT('[', 'x') => false
                """);
    }

    @Test
    void aValueTooLongForTheRegexEngineDoesNotMatchInsteadOfFailing() {
        Event event = Fixtures.event("s", 0, Fixtures.fields("text", "ab".repeat(500_000)));
        assertEquals(false, COMPILER.condition(ExprText.parse("text MATCHES '^(a|b)*$'")).test(event, MATCH));
        assertEquals(false, COMPILER.condition(ExprText.parse("text NOT MATCHES '^(a|b)*$'")).test(event, MATCH));
    }

    @TestFactory
    Stream<DynamicTest> aggregatesOverTheMatch() {
        return Table.values(PAYMENT, MATCH, """
                COUNT(probe)                         => 3
                COUNT(big)                           => 1
                COUNT(idle)                          => 0
                COUNT(probe.amount)                  => 2
                COUNT(idle.amount)                   => 0
                FIRST(probe.merchant)                => 'M1'
                LAST(probe.merchant)                 => 'M3'
                FIRST(probe.amount)                  => 1.0
                LAST(probe.amount)                   => 1.5
                probe.amount                         => 1.5
                FIRST(probe.ts)                      => 1000
                LAST(big.stream)                     => 'transfers'
                FIRST(idle.amount)                   => null
                LAST(idle.amount)                    => null
                SUM(probe.amount)                    => 2.5
                SUM(probe.n)                         => 60
                SUM(big.amount)                      => 900
                SUM(idle.amount)                     => null
                SUM(probe.merchant)                  => null
                AVG(probe.amount)                    => 1.25
                AVG(probe.n)                         => 20.0
                AVG(idle.amount)                     => null
                MIN(probe.amount)                    => 1.0
                MAX(probe.amount)                    => 1.5
                MIN(probe.n)                         => 10
                MAX(probe.n)                         => 30
                MIN(probe.merchant)                  => 'M1'
                MAX(probe.merchant)                  => 'M3'
                MIN(probe.ts)                        => 1000
                MAX(probe.ts)                        => 3000
                MAX(idle.amount)                     => null
                SUM(probe.amount) + big.amount       => 902.5
                amount > AVG(probe.amount)           => true
                big.amount > 10 * MAX(probe.amount)  => true
                """);
    }

    @Test
    void aggregatesSkipWhatTheyCannotUse() {
        assertAggregate("SUM(probe.x)", "3.5", 1L, 2.5, null, "x", true);
        assertAggregate("SUM(probe.x)", "6", 1, (short) 2, 3L);
        assertAggregate("SUM(probe.x)", "1.5", 1, new BigDecimal("0.5"));
        assertAggregate("SUM(probe.x)", "9.223372036854776E18", Long.MAX_VALUE, 1L);
        assertAggregate("SUM(probe.x)", "null", "1", "2");
        assertAggregate("AVG(probe.x)", "1.5", 1L, 2L);
        assertAggregate("AVG(probe.x)", "2.0", 1L, "skip", 3.0);
        assertAggregate("MIN(probe.x)", "2.5", 3L, 2.5, "a", null);
        assertAggregate("MIN(probe.x)", "'a'", "b", 1L, "a");
        assertAggregate("MAX(probe.x)", "2", Double.NaN, 1L, 2L);
        assertAggregate("MAX(probe.x)", "1", true, 1L);
        assertAggregate("MAX(probe.x)", "2", 2L, 2.0, 1L); // ties keep the earliest
        assertAggregate("MIN(probe.x)", "null", null, null);
        assertAggregate("COUNT(probe.x)", "2", 1L, null, "a");
        assertAggregate("FIRST(probe.x)", "7", 7, 8);
        assertAggregate("LAST(probe.x)", "8", 7, 8);
    }

    private static void assertAggregate(String expression, String expected, Object... values) {
        Object actual = COMPILER.value(ExprText.parse(expression)).evaluate(PAYMENT, Fixtures.valuesOfX(values));
        Table.assertValue(expected, actual, expression + " over " + Arrays.toString(values));
    }

    @TestFactory
    Stream<DynamicTest> readsMatchIsTrueExactlyWhenAVariableIsRead() {
        String table = """
                amount > 1                                   => false
                ts - 1 MINUTE > 0                            => false
                stream = 'payments' AND device.os = 'ios'    => false
                UPPER(card) = 'X' OR NOT flag                => false
                qty IN (1, 2) AND amount BETWEEN 1 AND 2     => false
                merchant LIKE 'A%' AND card MATCHES 'x'      => false
                probe.amount > 1                             => true
                COUNT(probe) > 2                             => true
                amount > AVG(probe.amount)                   => true
                NOT (amount > 1 OR big.amount > 1)           => true
                amount IN (1, LAST(big.amount))              => true
                amount BETWEEN 0 AND MAX(probe.amount)       => true
                merchant LIKE CONCAT(FIRST(probe.merchant), '%') => true
                merchant MATCHES big.merchant                => true
                COALESCE(missing, SUM(big.amount)) > 0       => true
                -LAST(big.amount) < 0                        => true
                probe.amount IS NULL                         => true
                """;
        return table.lines().filter(line -> !line.isBlank()).map(line -> {
            String expression = line.substring(0, line.lastIndexOf("=>")).strip();
            boolean expected = Boolean.parseBoolean(line.substring(line.lastIndexOf("=>") + 2).strip());
            return DynamicTest.dynamicTest(line.strip(), () -> {
                Expr expr = ExprText.parse(expression);
                assertEquals(expected, COMPILER.condition(expr).readsMatch(), "condition " + expression);
                assertEquals(expected, ((Node) COMPILER.value(expr)).readsMatch(), "value " + expression);
            });
        });
    }

    /** The issue's card-testing rule: DEFINE and EMIT as the matcher and the alert builder use them. */
    @Test
    void theCardTestingRuleOfTheIssue() {
        ExpressionCompiler rule = new ExpressionCompiler(List.of("probe", "big"));
        Condition probe = rule.condition(ExprText.parse("amount < 2.00"));
        Condition big = rule.condition(ExprText.parse("amount >= 500 AND merchant <> LAST(probe.merchant)"));
        ValueExpression total = rule.value(ExprText.parse("SUM(probe.amount) + big.amount"));
        ValueExpression probes = rule.value(ExprText.parse("COUNT(probe)"));

        List<Event> probeEvents = List.of(
                Fixtures.event("payments", 1_000, Fixtures.fields("amount", 1.0, "merchant", "A")),
                Fixtures.event("payments", 2_000, Fixtures.fields("amount", 1.5, "merchant", "B")),
                Fixtures.event("payments", 3_000, Fixtures.fields("amount", 0.5, "merchant", "C")));
        Event large = Fixtures.event("payments", 4_000, Fixtures.fields("amount", 750, "merchant", "D"));
        Event sameMerchant = Fixtures.event("payments", 4_000, Fixtures.fields("amount", 750, "merchant", "C"));

        assertTrue(probe.test(probeEvents.get(0), MatchView.EMPTY));
        assertEquals(false, probe.test(large, MatchView.EMPTY));
        MatchView beforeBig = Fixtures.match(List.of(probeEvents, List.of()));
        assertTrue(big.test(large, beforeBig));
        assertEquals(false, big.test(sameMerchant, beforeBig));

        MatchView whole = Fixtures.match(List.of(probeEvents, List.of(large)));
        assertEquals(3L, probes.evaluate(large, whole));
        assertEquals(753.0, total.evaluate(large, whole));
    }

    /** Inside its own condition a loop sees the events it already accepted, not the current one. */
    @Test
    void aLoopComparesWithTheEventsItAlreadyAccepted() {
        Condition rising = new ExpressionCompiler(List.of("b")).condition(
                ExprText.parse("COUNT(b) = 0 OR amount > AVG(b.amount)"));
        List<Event> accepted = List.of(
                Fixtures.event("s", 1, Fixtures.fields("amount", 10L)),
                Fixtures.event("s", 2, Fixtures.fields("amount", 20L)));
        MatchView soFar = Fixtures.match(List.of(accepted));
        assertTrue(rising.test(Fixtures.event("s", 0, Fixtures.fields("amount", 1L)), MatchView.EMPTY));
        assertTrue(rising.test(Fixtures.event("s", 3, Fixtures.fields("amount", 16L)), soFar));
        assertEquals(false, rising.test(Fixtures.event("s", 3, Fixtures.fields("amount", 15L)), soFar));
    }

    @Test
    void noConditionIsAlwaysTrueAndReadsNothing() {
        assertSame(Condition.TRUE, COMPILER.condition(null));
        assertTrue(COMPILER.condition(null).test(PAYMENT, MatchView.EMPTY));
    }

    @Test
    void conditionsThatReadNoVariableRunOnTheEmptyView() {
        Condition condition = COMPILER.condition(ExprText.parse("amount < 20 AND merchant LIKE 'ACME%'"));
        assertTrue(condition.test(PAYMENT, MatchView.EMPTY));
    }

    @Test
    void aggregatesOnTheEmptyViewAreNullOrZero() {
        assertEquals(0L, COMPILER.value(ExprText.parse("COUNT(probe)")).evaluate(PAYMENT, MatchView.EMPTY));
        assertEquals(null, COMPILER.value(ExprText.parse("probe.amount")).evaluate(PAYMENT, MatchView.EMPTY));
        assertEquals(null, COMPILER.value(ExprText.parse("SUM(probe.amount)")).evaluate(PAYMENT, MatchView.EMPTY));
    }

    /** The compiled tree prints in rule syntax with names resolved: v.f shows as LAST(v.f). */
    @TestFactory
    Stream<DynamicTest> compiledExpressionsPrintThemselves() {
        String table = """
                amount < 2.00                                   => (amount < 2.0)
                amount >= 500 AND merchant <> LAST(probe.merchant) => ((amount >= 500) AND (merchant <> LAST(probe.merchant)))
                probe.merchant                                  => LAST(probe.merchant)
                device.os = 'it''s'                             => (device.os = 'it''s')
                COUNT(probe) + SUM(probe.amount) * 2            => (COUNT(probe) + (SUM(probe.amount) * 2))
                NOT flag OR ts - big.ts < 5 MINUTES             => ((NOT flag) OR ((ts - LAST(big.ts)) < 300000))
                -qty                                            => -qty
                qty NOT IN (1, NULL) AND x IS NOT NULL          => ((qty NOT IN (1, NULL)) AND (x IS NOT NULL))
                x BETWEEN 1 AND 2                               => (x BETWEEN 1 AND 2)
                card NOT LIKE '4%' OR card MATCHES '^5'         => ((card NOT LIKE '4%') OR (card MATCHES '^5'))
                ROUND(GEO_DISTANCE(a, b, c, d), 1)              => ROUND(GEO_DISTANCE(a, b, c, d), 1)
                COALESCE(x, TRUE, FALSE)                        => COALESCE(x, TRUE, FALSE)
                """;
        return table.lines().filter(line -> !line.isBlank()).map(line -> {
            String expression = line.substring(0, line.lastIndexOf("=>")).strip();
            String printed = line.substring(line.lastIndexOf("=>") + 2).strip();
            return DynamicTest.dynamicTest(line.strip(), () ->
                    assertEquals(printed, COMPILER.value(ExprText.parse(expression)).toString()));
        });
    }

    @TestFactory
    Stream<DynamicTest> whatTheCheckerShouldHaveRejectedFailsFastWithItsPosition() {
        String table = """
                probe + 1                 => cannot compile reference probe at 1:1: a variable is not a value
                amount > NOPE(1)          => cannot compile call NOPE at 1:10: no such function
                LOWER('a', 'b')           => cannot compile call LOWER at 1:1: takes 1 arguments, not 2
                SUBSTRING('a')            => cannot compile call SUBSTRING at 1:1: takes 2..3 arguments, not 1
                CONCAT('a')               => cannot compile call CONCAT at 1:1: takes 2.. arguments, not 1
                SUM(amount)               => cannot compile call SUM at 1:1: the argument must name a pattern variable
                COUNT(1)                  => cannot compile call COUNT at 1:1: the argument must name a pattern variable
                FIRST(probe)              => cannot compile call FIRST at 1:1: needs a field: FIRST(probe.field)
                merchant MATCHES '(ab'    => cannot compile MATCHES '(ab' at 1:10: invalid regex: Unclosed group
                """;
        return table.lines().filter(line -> !line.isBlank()).map(line -> {
            String expression = line.substring(0, line.lastIndexOf("=>")).strip();
            String message = line.substring(line.lastIndexOf("=>") + 2).strip();
            return DynamicTest.dynamicTest(line.strip(), () -> {
                IllegalArgumentException error = assertThrows(
                        IllegalArgumentException.class, () -> COMPILER.condition(ExprText.parse(expression)));
                assertTrue(error.getMessage().startsWith(message), error.getMessage());
            });
        });
    }

    @Test
    void literalsMustHoldWhatTheirKindSays() {
        Expr wrong = new Expr.Literal("12", Expr.LiteralKind.LONG, new Span(3, 7, 2));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> COMPILER.value(wrong));
        assertEquals("cannot compile literal 12 at 3:7: a LONG literal cannot hold it", error.getMessage());
    }

    @Test
    void variablesMustBeDistinct() {
        assertThrows(IllegalArgumentException.class, () -> new ExpressionCompiler(List.of("a", "b", "a")));
    }

    /**
     * Conditions over plain fields allocate nothing per evaluation: the values come from the event map,
     * literals are pre-boxed, and LIKE walks a precompiled pattern.
     */
    @Test
    void conditionsOnPlainFieldsAllocateNothing() {
        Condition condition = COMPILER.condition(ExprText.parse(
                "amount < 20.0 AND qty IN (1, 2, 3) AND merchant LIKE 'ACME%' AND NOT (missing > 1)"
                        + " AND device.os <> 'android' AND COUNT(probe) = 3 AND probe.merchant = 'M3'"));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rounds = 200_000;
        for (int i = 0; i < rounds; i++) {
            assertTrue(condition.test(PAYMENT, MATCH));
        }
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        boolean all = true;
        for (int i = 0; i < rounds; i++) {
            all &= condition.test(PAYMENT, MATCH);
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(all);
        assertTrue(allocated < rounds / 10, allocated + " bytes allocated over " + rounds + " evaluations");
    }
}

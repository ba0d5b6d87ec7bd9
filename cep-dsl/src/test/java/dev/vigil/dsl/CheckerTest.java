package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.dsl.ast.StreamDecl;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One test per semantic diagnostic: names, types, stream declarations, and the pattern shapes Flink CEP 1.20
 * rejects. Each asserts the exact text {@code vigil check} shows: file:line:column, message, source line, caret.
 */
class CheckerTest {

    @Test
    void duplicateRuleNamesAreReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a;
                RULE r FROM s PATTERN b""", """
                rules.cep:2:6: rule 'r' is defined twice; rule names must be unique
                  | RULE r FROM s PATTERN b
                  |      ^
                """);
    }

    @Test
    void duplicateStreamNamesAreReported() {
        assertDiagnostics("""
                STREAM s (a LONG);
                STREAM s (b LONG)""", """
                rules.cep:2:8: stream 's' is declared twice; declare each stream once
                  | STREAM s (b LONG)
                  |        ^
                """);
    }

    @Test
    void aFieldDeclaredTwiceIsReported() {
        assertDiagnostics("""
                STREAM s (a LONG, b STRING, a DOUBLE)""", """
                rules.cep:1:29: field 'a' is declared twice in stream s
                  | STREAM s (a LONG, b STRING, a DOUBLE)
                  |                             ^
                """);
    }

    @Test
    void aFieldCannotBeBothScalarAndObject() {
        assertDiagnostics("""
                STREAM s (device STRING, device.os STRING)""", """
                rules.cep:1:11: field 'device' cannot be both STRING and an object with field device.os; declare one of them
                  | STREAM s (device STRING, device.os STRING)
                  |           ^^^^^^
                """);
    }

    @Test
    void eventTimeFieldMustBeDeclared() {
        assertDiagnostics("""
                STREAM s (a LONG, created TIMESTAMP) EVENT TIME creatd""", """
                rules.cep:1:49: EVENT TIME field 'creatd' is not declared in stream s; fields of s are a and created
                  | STREAM s (a LONG, created TIMESTAMP) EVENT TIME creatd
                  |                                                 ^^^^^^
                """);
    }

    @Test
    void eventTimeFieldMustBeTimestampOrLong() {
        assertDiagnostics("""
                STREAM s (a LONG, created STRING) EVENT TIME created""", """
                rules.cep:1:46: EVENT TIME field 'created' must be TIMESTAMP or LONG (epoch milliseconds), but it is STRING
                  | STREAM s (a LONG, created STRING) EVENT TIME created
                  |                                              ^^^^^^^
                """);
    }

    @Test
    void aVariableMayAppearOnlyOnceInThePattern() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b -> (c a)""", """
                rules.cep:1:36: variable 'a' appears twice in the pattern; Flink CEP needs a unique name per stage: rename one (e.g. a2) and DEFINE it alike
                  | RULE r FROM s PATTERN a -> b -> (c a)
                  |                                    ^
                """);
    }

    @Test
    void defineOfANameNotInThePatternSuggestsTheClosest() {
        assertDiagnostics("""
                RULE r FROM s PATTERN login -> withdrawal
                  DEFINE withdraw AS amount > 100""", """
                rules.cep:2:10: 'withdraw' is defined but does not appear in PATTERN; did you mean withdrawal?
                  |   DEFINE withdraw AS amount > 100
                  |          ^^^^^^^^
                """);
    }

    @Test
    void defineOfANameNotInThePatternListsTheVariables() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  DEFINE zz AS amount > 100""", """
                rules.cep:2:10: 'zz' is defined but does not appear in PATTERN; pattern variables are a and b
                  |   DEFINE zz AS amount > 100
                  |          ^^
                """);
    }

    @Test
    void aVariableDefinedTwiceIsReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  DEFINE a AS x > 1, a AS y > 2""", """
                rules.cep:2:22: 'a' is defined twice; DEFINE each variable once and join its conditions with AND
                  |   DEFINE a AS x > 1, a AS y > 2
                  |                      ^
                """);
    }

    @Test
    void countOfAnUnknownVariableListsTheVariables() {
        assertDiagnostics("""
                RULE r FROM s PATTERN probe -> big
                  EMIT n = COUNT(prob)""", """
                rules.cep:2:18: unknown variable 'prob' in COUNT(prob); pattern variables are probe and big
                  |   EMIT n = COUNT(prob)
                  |                  ^^^^
                """);
    }

    @Test
    void aFieldAggregateNeedsAVariablesField() {
        assertDiagnostics("""
                RULE r FROM s PATTERN probe -> big
                  EMIT total = SUM(amount)""", """
                rules.cep:2:20: SUM needs a pattern variable's field, as in SUM(v.amount); 'amount' is not a pattern variable (pattern variables are probe and big)
                  |   EMIT total = SUM(amount)
                  |                    ^^^^^^
                """);
    }

    @Test
    void aFieldAggregateOfABareVariableAsksForTheField() {
        assertDiagnostics("""
                RULE r FROM s PATTERN probe -> big
                  EMIT total = AVG(probe)""", """
                rules.cep:2:20: AVG needs a field of probe: write AVG(probe.field)
                  |   EMIT total = AVG(probe)
                  |                    ^^^^^
                """);
    }

    @Test
    void countTakesABareVariable() {
        assertDiagnostics("""
                RULE r FROM s PATTERN probe -> big
                  EMIT n = COUNT(probe.amount)""", """
                rules.cep:2:18: COUNT counts the events of a variable: write COUNT(probe), not COUNT(probe.amount)
                  |   EMIT n = COUNT(probe.amount)
                  |                  ^^^^^^^^^^^^
                """);
    }

    @Test
    void anAggregateArgumentMustBeAReference() {
        assertDiagnostics("""
                RULE r FROM s PATTERN probe -> big
                  EMIT n = MAX(1 + 2)""", """
                rules.cep:2:16: MAX takes a pattern variable's field, as in MAX(v.amount); pattern variables are probe and big
                  |   EMIT n = MAX(1 + 2)
                  |                ^^^^^
                """);
    }

    @Test
    void aBareVariableIsNotAValue() {
        assertDiagnostics("""
                RULE r FROM s PATTERN probe -> big
                  DEFINE big AS amount > probe""", """
                rules.cep:2:26: 'probe' is a pattern variable, not a value; use COUNT(probe) for its number of events or probe.field for a field of its last event
                  |   DEFINE big AS amount > probe
                  |                          ^^^^^
                """);
    }

    @Test
    void aNegatedVariableHoldsNoEvents() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a !b c
                  EMIT x = b.amount, n = COUNT(b)""", """
                rules.cep:2:12: 'b' is negated (!b) and never holds an event, so b.amount has no value
                  |   EMIT x = b.amount, n = COUNT(b)
                  |            ^^^^^^^^
                rules.cep:2:32: 'b' is negated (!b) and never holds an event, so COUNT(b) is always 0
                  |   EMIT x = b.amount, n = COUNT(b)
                  |                                ^
                """);
    }

    @Test
    void anUnknownFunctionSuggestsCloseNames() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS lowr(name) = 'x'""", """
                rules.cep:2:15: unknown function 'LOWR'; did you mean LOWER?
                  |   DEFINE a AS lowr(name) = 'x'
                  |               ^^^^^^^^^^
                """);
    }

    @Test
    void anUnknownFunctionWithoutCloseNamesListsAllFunctions() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS frobnicate(name)""", """
                rules.cep:2:15: unknown function 'FROBNICATE'; functions are LOWER, UPPER, LENGTH, TRIM, SUBSTRING, CONCAT, STARTS_WITH, ENDS_WITH, CONTAINS, REPLACE, ABS, ROUND, FLOOR, CEIL, SQRT, POWER, LN, LOG10, EXP, GREATEST, LEAST, COALESCE, GEO_DISTANCE, COUNT, FIRST, LAST, SUM, AVG, MIN and MAX
                  |   DEFINE a AS frobnicate(name)
                  |               ^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void aFunctionCalledWithTheWrongNumberOfArguments() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS SUBSTRING(name) = 'x' AND GEO_DISTANCE(1, 2, 3) > 5""", """
                rules.cep:2:15: SUBSTRING takes 2 or 3 arguments, got 1: SUBSTRING(s, start[, len])
                  |   DEFINE a AS SUBSTRING(name) = 'x' AND GEO_DISTANCE(1, 2, 3) > 5
                  |               ^^^^^^^^^^^^^^^
                rules.cep:2:41: GEO_DISTANCE takes 4 arguments, got 3: GEO_DISTANCE(lat1, lon1, lat2, lon2)
                  |   DEFINE a AS SUBSTRING(name) = 'x' AND GEO_DISTANCE(1, 2, 3) > 5
                  |                                         ^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void anUnknownFieldOfADeclaredStreamListsItsFields() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS amout > 5""", """
                rules.cep:3:15: unknown field 'amout' (did you mean amount?); fields of payments are card_id, amount, merchant, ok, device.os and ts
                  |   DEFINE a AS amout > 5
                  |               ^^^^^
                """);
    }

    @Test
    void anUnknownFieldOfAVariableListsItsStreamsFields() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a -> b
                  DEFINE b AS amount > a.limit""", """
                rules.cep:3:24: unknown field 'limit' of a; fields of payments are card_id, amount, merchant, ok, device.os and ts
                  |   DEFINE b AS amount > a.limit
                  |                        ^^^^^^^
                """);
    }

    @Test
    void aMisspeltVariableInAFieldReferenceIsNamed() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN probe -> big
                  DEFINE big AS amount > prob.amount""", """
                rules.cep:3:26: unknown pattern variable 'prob' in prob.amount (nor is it a declared field); did you mean probe?
                  |   DEFINE big AS amount > prob.amount
                  |                          ^^^^^^^^^^^
                """);
    }

    @Test
    void anUndefinedVariableIsTheMistakeNotTheFieldAfterIt() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE);
                RULE r FROM payments PATTERN a -> b
                  DEFINE b AS amount > c.amount""", """
                rules.cep:3:24: unknown pattern variable 'c' in c.amount (nor is it a declared field); pattern variables are a and b
                  |   DEFINE b AS amount > c.amount
                  |                        ^^^^^^^^
                """);
    }

    @Test
    void aNestedFieldOfADeclaredObjectIsStillAnUnknownField() {
        assertDiagnostics("""
                STREAM logins (device.os STRING, user STRING);
                RULE r FROM logins PATTERN a DEFINE a AS device.oss = 'ios'""", """
                rules.cep:2:42: unknown field 'device.oss' (did you mean device.os?); fields of logins are device.os and user
                  | RULE r FROM logins PATTERN a DEFINE a AS device.oss = 'ios'
                  |                                          ^^^^^^^^^^
                """);
    }

    @Test
    void aStreamNamedLikeADeclaredOneIsANearMissWithItsPlace() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE);
                RULE r FROM logins, paymnts PATTERN a DEFINE a AS amont >= 900""", """
                rules.cep:2:21: stream 'paymnts' is not declared, but payments is: did you mean payments? (to read a stream of that name on purpose, declare it: STREAM paymnts (...))
                  | RULE r FROM logins, paymnts PATTERN a DEFINE a AS amont >= 900
                  |                     ^^^^^^^
                """);
    }

    @Test
    void streamsThatAreNoSlipsForADeclaredOneAreSchemaless() {
        assertNoDiagnostics("""
                STREAM payments (card_id STRING);
                STREAM s1 (x LONG);
                RULE r FROM payments_eu PATTERN a DEFINE a AS anything > 1;
                RULE q FROM s2 PATTERN a DEFINE a AS anything > 1""");
    }

    @Test
    void knownDeclarationsCheckTheStreamsATextDoesNotDeclare() {
        List<StreamDecl> known = RuleParser.parse("running.cep",
                "STREAM payments (card_id STRING, amount DOUBLE); RULE held FROM payments PATTERN a").file().streams();
        ParseResult result = RuleParser.parse("request", """
                RULE v1 FROM payments PATTERN big DEFINE big AS amont >= 900;
                RULE v2 FROM paymnts PATTERN big DEFINE big AS amount >= 900""", ParseLimits.DEFAULTS, known);
        assertEquals("""
                request:1:49: unknown field 'amont' (did you mean amount?); fields of payments are card_id and amount
                  | RULE v1 FROM payments PATTERN big DEFINE big AS amont >= 900;
                  |                                                 ^^^^^
                request:2:14: stream 'paymnts' is not declared, but payments is by the running rules: did you mean payments? (to read a stream of that name on purpose, declare it: STREAM paymnts (...))
                  | RULE v2 FROM paymnts PATTERN big DEFINE big AS amount >= 900
                  |              ^^^^^^^
                """, rendered(result));
        ParseResult ownDeclaration = RuleParser.parse("request", """
                STREAM payments (card_id STRING, amont DOUBLE);
                RULE v1 FROM payments PATTERN big DEFINE big AS amont >= 900""", ParseLimits.DEFAULTS, known);
        assertEquals("", rendered(ownDeclaration), "the text's own declaration comes first");
    }

    @Test
    void fieldsOfSchemalessStreamsAreNotChecked() {
        assertNoDiagnostics("""
                RULE r FROM anything PATTERN a -> b
                  DEFINE a AS whatever.deep > 5 AND lower(name) = 'x', b AS a.other = 1""");
    }

    @Test
    void nestedDeclaredFieldsAndBuiltInsAreKnown() {
        assertNoDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a -> b
                  DEFINE a AS device.os = 'ios' AND stream = 'payments', b AS ts - a.ts < 10 SECONDS AND device IS NOT NULL""");
    }

    @Test
    void aVariableBoundToADeclaredStreamIsCheckedEvenIfOthersAreNot() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments, clicks PATTERN a -> b
                  DEFINE a AS clicks(page = 'x'), b AS payments(amont > 1)""", """
                rules.cep:3:49: unknown field 'amont' (did you mean amount?); fields of payments are card_id, amount, merchant, ok, device.os and ts
                  |   DEFINE a AS clicks(page = 'x'), b AS payments(amont > 1)
                  |                                                 ^^^^^
                """);
    }

    @Test
    void comparingAStringWithANumberIsReported() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS merchant = 5""", """
                rules.cep:3:15: cannot compare merchant (a STRING) with 5 (a LONG)
                  |   DEFINE a AS merchant = 5
                  |               ^^^^^^^^^^^^
                """);
    }

    @Test
    void arithmeticOnAStringSuggestsConcat() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  EMIT x = merchant + 'x'""", """
                rules.cep:3:12: arithmetic (+) needs numbers, but merchant is a STRING; use CONCAT(a, b) to join strings
                  |   EMIT x = merchant + 'x'
                  |            ^^^^^^^^^^^^^^
                """);
    }

    @Test
    void arithmeticOnABooleanIsReported() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  EMIT x = ok * 2""", """
                rules.cep:3:12: arithmetic (*) needs numbers, but ok is a BOOLEAN
                  |   EMIT x = ok * 2
                  |            ^^^^^^
                """);
    }

    @Test
    void aConditionMustBeBoolean() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a+ -> b
                  DEFINE a AS amount + 1 UNTIL merchant, b AS 'yes'""", """
                rules.cep:3:15: the condition of 'a' must be BOOLEAN, but amount + 1 is a DOUBLE
                  |   DEFINE a AS amount + 1 UNTIL merchant, b AS 'yes'
                  |               ^^^^^^^^^^
                rules.cep:3:32: UNTIL of 'a' must be BOOLEAN, but merchant is a STRING
                  |   DEFINE a AS amount + 1 UNTIL merchant, b AS 'yes'
                  |                                ^^^^^^^^
                rules.cep:3:47: the condition of 'b' must be BOOLEAN, but 'yes' is a STRING
                  |   DEFINE a AS amount + 1 UNTIL merchant, b AS 'yes'
                  |                                               ^^^^^
                """);
    }

    @Test
    void likeAndMatchesNeedStrings() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS amount LIKE '1%' OR merchant MATCHES 5""", """
                rules.cep:3:15: LIKE needs STRING operands, but amount is a DOUBLE
                  |   DEFINE a AS amount LIKE '1%' OR merchant MATCHES 5
                  |               ^^^^^^
                rules.cep:3:52: MATCHES needs STRING operands, but 5 is a LONG
                  |   DEFINE a AS amount LIKE '1%' OR merchant MATCHES 5
                  |                                                    ^
                """);
    }

    @Test
    void functionArgumentsMustHaveTheRightType() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS LOWER(amount) = 'x' AND ABS(merchant) > 1""", """
                rules.cep:3:21: LOWER expects a STRING as argument 1, but amount is a DOUBLE: LOWER(s)
                  |   DEFINE a AS LOWER(amount) = 'x' AND ABS(merchant) > 1
                  |                     ^^^^^^
                rules.cep:3:43: ABS expects a number as argument 1, but merchant is a STRING: ABS(x)
                  |   DEFINE a AS LOWER(amount) = 'x' AND ABS(merchant) > 1
                  |                                           ^^^^^^^^
                """);
    }

    @Test
    void logicalOperatorsNeedBooleans() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS NOT amount AND merchant""", """
                rules.cep:3:19: NOT needs a BOOLEAN operand, but amount is a DOUBLE
                  |   DEFINE a AS NOT amount AND merchant
                  |                   ^^^^^^
                rules.cep:3:30: AND needs BOOLEAN operands, but merchant is a STRING
                  |   DEFINE a AS NOT amount AND merchant
                  |                              ^^^^^^^^
                """);
    }

    @Test
    void booleansCannotBeOrdered() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS ok > FALSE""", """
                rules.cep:3:15: cannot order BOOLEAN values with >; only = and <> apply to booleans
                  |   DEFINE a AS ok > FALSE
                  |               ^^^^^^^^^^
                """);
    }

    @Test
    void minusNeedsANumber() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  EMIT x = -merchant""", """
                rules.cep:3:12: cannot negate merchant, which is a STRING; minus needs a number
                  |   EMIT x = -merchant
                  |            ^^^^^^^^^
                """);
    }

    @Test
    void inListsAndBetweenBoundsMustBeComparable() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  DEFINE a AS amount IN (1, 'two') AND merchant BETWEEN 'a' AND 3""", """
                rules.cep:3:29: cannot compare amount (a DOUBLE) with 'two' (a STRING) in an IN list
                  |   DEFINE a AS amount IN (1, 'two') AND merchant BETWEEN 'a' AND 3
                  |                             ^^^^^
                rules.cep:3:65: BETWEEN needs bounds comparable with merchant (a STRING), but 3 is a LONG
                  |   DEFINE a AS amount IN (1, 'two') AND merchant BETWEEN 'a' AND 3
                  |                                                                 ^
                """);
    }

    @Test
    void sumAndAvgNeedNumericFields() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a+
                  EMIT s = SUM(a.merchant), m = MAX(a.ok)""", """
                rules.cep:3:16: SUM needs a numeric field, but a.merchant is a STRING
                  |   EMIT s = SUM(a.merchant), m = MAX(a.ok)
                  |                ^^^^^^^^^^
                rules.cep:3:37: MAX needs numbers or strings, but a.ok is a BOOLEAN
                  |   EMIT s = SUM(a.merchant), m = MAX(a.ok)
                  |                                     ^^^^
                """);
    }

    @Test
    void greatestNeedsArgumentsOfOneKind() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                RULE r FROM payments PATTERN a
                  EMIT g = GREATEST(amount, merchant)""", """
                rules.cep:3:29: GREATEST needs arguments of one kind, but merchant is a STRING and an earlier one is a DOUBLE
                  |   EMIT g = GREATEST(amount, merchant)
                  |                             ^^^^^^^^
                """);
    }

    @Test
    void comparingWithNullIsNeverTrue() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  DEFINE a AS x = NULL, b AS NULL <> a.y""", """
                rules.cep:2:15: a comparison with NULL is never true (comparisons with null are false); write x IS NULL
                  |   DEFINE a AS x = NULL, b AS NULL <> a.y
                  |               ^^^^^^^^
                rules.cep:2:30: a comparison with NULL is never true (comparisons with null are false); write a.y IS NOT NULL
                  |   DEFINE a AS x = NULL, b AS NULL <> a.y
                  |                              ^^^^^^^^^^^
                """);
    }

    @Test
    void anInvalidRegularExpressionIsReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  DEFINE a AS agent MATCHES '(bot|crawl'""", """
                rules.cep:2:29: invalid regular expression '(bot|crawl': Unclosed group near index 10
                  |   DEFINE a AS agent MATCHES '(bot|crawl'
                  |                             ^^^^^^^^^^^^
                """);
    }

    @Test
    void aDeclaredStreamBoundInDefineMustBeInFrom() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                STREAM logins (user STRING);
                RULE r FROM payments PATTERN a -> b
                  DEFINE a AS logins(user = 'x'), b AS logins""", """
                rules.cep:4:15: stream 'logins' is bound in DEFINE but not listed in FROM; add it: FROM payments, logins
                  |   DEFINE a AS logins(user = 'x'), b AS logins
                  |               ^^^^^^^^^^^^^^^^^^
                rules.cep:4:40: stream 'logins' is bound in DEFINE but not listed in FROM; add it: FROM payments, logins
                  |   DEFINE a AS logins(user = 'x'), b AS logins
                  |                                        ^^^^^^
                """);
    }

    @Test
    void aStreamBindingMustBeTheWholeCondition() {
        assertDiagnostics("""
                RULE r FROM payments PATTERN a
                  DEFINE a AS payments(amount > 1) AND x = 2""", """
                rules.cep:2:15: stream payments(...) binds a variable only as a whole DEFINE condition: write v AS payments(condition)
                  |   DEFINE a AS payments(amount > 1) AND x = 2
                  |               ^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void skipToAnUnknownVariable() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  AFTER MATCH SKIP TO FIRST c""", """
                rules.cep:2:29: unknown variable 'c' in AFTER MATCH SKIP TO FIRST; pattern variables are a and b
                  |   AFTER MATCH SKIP TO FIRST c
                  |                             ^
                """);
    }

    @Test
    void skipToAVariableInsideAGroup() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> (b c)+
                  AFTER MATCH SKIP TO LAST b""", """
                rules.cep:2:28: AFTER MATCH SKIP TO LAST can only name a variable outside groups, and 'b' is inside one (Flink CEP: The pattern name specified in AfterMatchSkipStrategy can not be found in the given Pattern)
                  |   AFTER MATCH SKIP TO LAST b
                  |                            ^
                """);
    }

    @Test
    void skipToANegatedVariable() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a !b c
                  AFTER MATCH SKIP TO FIRST b""", """
                rules.cep:2:29: AFTER MATCH SKIP TO FIRST cannot name 'b': it is negated and never holds an event
                  |   AFTER MATCH SKIP TO FIRST b
                  |                             ^
                """);
    }

    @Test
    void untilNeedsAnUnboundedLoop() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a{2,4} -> b -> c+
                  DEFINE a AS x > 1 UNTIL x > 5, b AS TRUE UNTIL y, c AS TRUE UNTIL z""", """
                rules.cep:2:27: UNTIL applies only to a variable that loops without an upper bound (+, *, {n,}); 'a{2,4}' does not (Flink CEP: The until condition is only applicable to looping states)
                  |   DEFINE a AS x > 1 UNTIL x > 5, b AS TRUE UNTIL y, c AS TRUE UNTIL z
                  |                           ^^^^^
                rules.cep:2:50: UNTIL applies only to a variable that loops without an upper bound (+, *, {n,}); 'b' does not (Flink CEP: The until condition is only applicable to looping states)
                  |   DEFINE a AS x > 1 UNTIL x > 5, b AS TRUE UNTIL y, c AS TRUE UNTIL z
                  |                                                  ^
                """);
    }

    @Test
    void aTrailingNegationNeedsWithin() {
        assertDiagnostics("""
                RULE r FROM s PATTERN order -> !shipped""", """
                rules.cep:1:32: a negation at the end of a pattern needs WITHIN: the absence of '!shipped' is only known when the window closes (Flink CEP: NotFollowedBy is not supported without windowTime as a last part of a Pattern); add e.g. WITHIN 10 MINUTES
                  | RULE r FROM s PATTERN order -> !shipped
                  |                                ^^^^^^^^
                """);
    }

    @Test
    void aStageWindowStandsOnASingleVariableAfterTheFirstThatDoesNotRepeat() {
        assertNoDiagnostics("""
                RULE r FROM s PATTERN a -> b WITHIN 5 SECONDS OF PREVIOUS !c WITHIN 1 SECOND OF PREVIOUS
                  -> (d e? WITHIN 1 SECOND OF PREVIOUS) WITHIN 1 MINUTE""");
        assertDiagnostics("""
                RULE r FROM s PATTERN a WITHIN 1s OF PREVIOUS -> b+ WITHIN 1s OF PREVIOUS -> (c d) WITHIN 1s OF PREVIOUS
                  -> e WITHIN 2 HOURS OF PREVIOUS WITHIN 1 HOUR""", """
                rules.cep:1:32: WITHIN ... OF PREVIOUS on 'a', the first stage of the pattern, bounds nothing: no event comes before it; bound the whole match with WITHIN instead
                  | RULE r FROM s PATTERN a WITHIN 1s OF PREVIOUS -> b+ WITHIN 1s OF PREVIOUS -> (c d) WITHIN 1s OF PREVIOUS
                  |                                ^^
                rules.cep:1:60: WITHIN ... OF PREVIOUS cannot bound 'b+', which repeats: Flink CEP 1.20 silently ignores a PREVIOUS_AND_CURRENT window on a stage with times() or oneOrMore(); bound the stage after the loop, or the whole match with WITHIN
                  | RULE r FROM s PATTERN a WITHIN 1s OF PREVIOUS -> b+ WITHIN 1s OF PREVIOUS -> (c d) WITHIN 1s OF PREVIOUS
                  |                                                            ^^
                rules.cep:1:91: WITHIN ... OF PREVIOUS applies to a single variable, not a group; put it on the stage inside the group whose event it bounds
                  | RULE r FROM s PATTERN a WITHIN 1s OF PREVIOUS -> b+ WITHIN 1s OF PREVIOUS -> (c d) WITHIN 1s OF PREVIOUS
                  |                                                                                           ^^
                rules.cep:2:15: WITHIN 2 HOURS OF PREVIOUS is longer than the whole match may last (WITHIN 1 HOUR); expected at most that (Flink CEP rejects a gap window larger than the pattern window)
                  |   -> e WITHIN 2 HOURS OF PREVIOUS WITHIN 1 HOUR
                  |               ^^^^^^^
                """);
    }

    @Test
    void aStageWindowOnANotFollowedByCountsOnlyAtTheEnd() {
        assertNoDiagnostics("RULE r FROM s PATTERN a -> !b WITHIN 1 SECOND OF PREVIOUS WITHIN 1 MINUTE");
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> !b WITHIN 1 SECOND OF PREVIOUS -> c""", """
                rules.cep:1:38: WITHIN ... OF PREVIOUS cannot bound '!b' before another stage: Flink CEP 1.20 silently ignores a PREVIOUS_AND_CURRENT window on a notFollowedBy that is not last; bound the stage after it
                  | RULE r FROM s PATTERN a -> !b WITHIN 1 SECOND OF PREVIOUS -> c
                  |                                      ^^^^^^^^
                """);
    }

    @Test
    void aTrailingAbsenceIsNotClosedByAStageWindow() {
        assertDiagnostics("""
                RULE r FROM s PATTERN order -> !shipped WITHIN 1 HOUR OF PREVIOUS""", """
                rules.cep:1:32: a negation at the end of a pattern needs WITHIN: the absence of '!shipped' is only known when the window closes (Flink CEP: NotFollowedBy is not supported without windowTime as a last part of a Pattern); add e.g. WITHIN 10 MINUTES (WITHIN ... OF PREVIOUS alone does not close it)
                  | RULE r FROM s PATTERN order -> !shipped WITHIN 1 HOUR OF PREVIOUS
                  |                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void aTrailingStrictNegationNeedsNoWindow() {
        assertNoDiagnostics("RULE r FROM s PATTERN login !second_factor");
    }

    @Test
    void aTrailingNegationIsNotClosedByAGapWindow() {
        assertDiagnostics("""
                RULE r FROM s PATTERN order -> !shipped
                  WITHIN 1 HOUR BETWEEN EVENTS""", """
                rules.cep:1:32: a negation at the end of a pattern needs WITHIN: the absence of '!shipped' is only known when the window closes (Flink CEP: NotFollowedBy is not supported without windowTime as a last part of a Pattern); add e.g. WITHIN 10 MINUTES (WITHIN ... BETWEEN EVENTS alone does not close it)
                  | RULE r FROM s PATTERN order -> !shipped
                  |                                ^^^^^^^^
                """);
    }

    @Test
    void aPatternCannotStartWithANegation() {
        assertDiagnostics("""
                RULE r FROM s PATTERN !a -> b""", """
                rules.cep:1:23: a pattern cannot start with a negation: Flink CEP begins a pattern with a stage that matches an event; put a stage before '!a'
                  | RULE r FROM s PATTERN !a -> b
                  |                       ^^
                """);
    }

    @Test
    void aGroupCannotStartWithANegation() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> (!b c)""", """
                rules.cep:1:29: a group cannot start with a negation: Flink CEP begins a group with a stage that matches an event; put a stage before '!b'
                  | RULE r FROM s PATTERN a -> (!b c)
                  |                             ^^
                """);
    }

    @Test
    void aGroupCannotEndWithANegation() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> (b !c) -> d""", """
                rules.cep:1:31: a group cannot end with a negation; move '!c' after the group
                  | RULE r FROM s PATTERN a -> (b !c) -> d
                  |                               ^^
                """);
    }

    @Test
    void aGroupCannotEndWithANotFollowedBy() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> (b -> !c) -> d""", """
                rules.cep:1:34: a group cannot end with '-> !c': Flink CEP silently ignores a notFollowedBy at the end of a group; move it after the group
                  | RULE r FROM s PATTERN a -> (b -> !c) -> d
                  |                                  ^^
                """);
    }

    @Test
    void aGroupCannotBeNegated() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a !(b c) d""", """
                rules.cep:1:25: only a single variable can be negated, not a group: Flink CEP has no negated group patterns
                  | RULE r FROM s PATTERN a !(b c) d
                  |                         ^^^^^^
                """);
    }

    @Test
    void aNegatedStageCannotHaveAQuantifier() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> !b+ -> c""", """
                rules.cep:1:30: a negated stage cannot take a quantifier: '!b+' means no such event at all (Flink CEP: Option not applicable to NOT pattern)
                  | RULE r FROM s PATTERN a -> !b+ -> c
                  |                              ^
                """);
    }

    @Test
    void aNegationCannotFollowAnOptionalStage() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b? -> !c -> d""", """
                rules.cep:1:34: Flink CEP cannot negate after an optional stage ('b?'); write two rules, one with and one without it
                  | RULE r FROM s PATTERN a -> b? -> !c -> d
                  |                                  ^^
                """);
    }

    @Test
    void nonDeterministicArrowCannotPrecedeANegation() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a ->> !b -> c""", """
                rules.cep:1:29: '->>' cannot come before a negation: Flink CEP negates with notNext (write a !b) or notFollowedBy (write a -> !b), and has no followedByAny negation
                  | RULE r FROM s PATTERN a ->> !b -> c
                  |                             ^^
                """);
    }

    @Test
    void greedyCannotApplyToAGroup() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a (b c)+ GREEDY d""", """
                rules.cep:1:30: GREEDY cannot apply to a group (Flink CEP: Option not applicable to group pattern); make a stage inside the group greedy instead
                  | RULE r FROM s PATTERN a (b c)+ GREEDY d
                  |                              ^^^^^^^^
                """);
    }

    @Test
    void greedyNeedsARepeatingQuantifier() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a b? GREEDY c""", """
                rules.cep:1:26: GREEDY needs a quantifier that repeats (+, *, {n,}, {n,m}); 'b? GREEDY' takes at most one event
                  | RULE r FROM s PATTERN a b? GREEDY c
                  |                          ^^^^^^^^
                """);
    }

    @Test
    void greedyCannotBeCombinedWithCombinations() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b+ GREEDY COMBINATIONS -> c""", """
                rules.cep:1:29: GREEDY cannot be combined with COMBINATIONS (Flink CEP: Option not applicable to FollowedByAny pattern)
                  | RULE r FROM s PATTERN a -> b+ GREEDY COMBINATIONS -> c
                  |                             ^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void aGreedyLoopAfterNonDeterministicArrowIsRejected() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a ->> b+ GREEDY -> c""", """
                rules.cep:1:30: a loop after '->>' takes every combination of events, which cannot be GREEDY (Flink CEP: Option not applicable to FollowedByAny pattern); add CONSECUTIVE or RELAXED, or use '->'
                  | RULE r FROM s PATTERN a ->> b+ GREEDY -> c
                  |                              ^^^^^^^^
                """);
    }

    @Test
    void aGreedyLoopAfterNonDeterministicArrowWithExplicitContiguityIsAccepted() {
        assertNoDiagnostics("""
                RULE r FROM s PATTERN a ->> b+ GREEDY RELAXED -> c""");
    }

    @Test
    void innerContiguityNeedsARepeatingQuantifier() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a b? CONSECUTIVE c""", """
                rules.cep:1:26: CONSECUTIVE applies only to a quantifier that repeats; 'b? CONSECUTIVE' takes at most one event
                  | RULE r FROM s PATTERN a b? CONSECUTIVE c
                  |                          ^^^^^^^^^^^^^
                """);
    }

    @Test
    void aGreedyOptionalLoopWithUntilCannotFollowANotFollowedBy() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> !b -> e? -> c* GREEDY WITHIN 1 MINUTE DEFINE c AS x > 1 UNTIL x > 9""", """
                rules.cep:1:40: Flink CEP 1.20 accepts a GREEDY optional loop with UNTIL after '-> !b' (with only optional stages between them) but then fails while matching (a NullPointerException in its NFA); drop GREEDY or UNTIL, make 'c* GREEDY' required, or put a required stage between them
                  | RULE r FROM s PATTERN a -> !b -> e? -> c* GREEDY WITHIN 1 MINUTE DEFINE c AS x > 1 UNTIL x > 9
                  |                                        ^^^^^^^^^
                """);
        assertNoDiagnostics("RULE r FROM s PATTERN a -> !b -> e -> c* GREEDY WITHIN 1 MINUTE DEFINE c AS x > 1 UNTIL x > 9");
    }

    @Test
    void anOptionalStageCannotFollowAGreedyOne() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a b+ GREEDY c*""", """
                rules.cep:1:35: Flink CEP does not allow an optional stage right after a greedy one (Optional pattern cannot be preceded by greedy pattern); drop GREEDY from 'b+ GREEDY' or make 'c*' required
                  | RULE r FROM s PATTERN a b+ GREEDY c*
                  |                                   ^^
                """);
    }

    @Test
    void theGapWindowCannotExceedTheMatchWindow() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  WITHIN 10 MINUTES
                  WITHIN 20 MINUTES BETWEEN EVENTS""", """
                rules.cep:3:10: WITHIN 20 MINUTES BETWEEN EVENTS is longer than the whole match may last (WITHIN 10 MINUTES); expected at most that (Flink CEP rejects a gap window larger than the pattern window)
                  |   WITHIN 20 MINUTES BETWEEN EVENTS
                  |          ^^^^^^^^^^
                """);
    }

    @Test
    void partitionKeysMustBeDeclaredInEveryDeclaredStream() {
        assertDiagnostics("""
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ok BOOLEAN, device.os STRING, ts TIMESTAMP);
                STREAM logins (user STRING, card_id STRING);
                RULE r FROM payments, logins PARTITION BY card_id, user, card_id PATTERN a -> b""", """
                rules.cep:3:52: PARTITION BY field 'user' is not declared in stream payments; fields of payments are card_id, amount, merchant, ok, device.os and ts
                  | RULE r FROM payments, logins PARTITION BY card_id, user, card_id PATTERN a -> b
                  |                                                    ^^^^
                rules.cep:3:58: PARTITION BY lists 'card_id' twice
                  | RULE r FROM payments, logins PARTITION BY card_id, user, card_id PATTERN a -> b
                  |                                                          ^^^^^^^
                """);
    }

    @Test
    void timeoutsNeedAWindow() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b
                  ON TIMEOUT EMIT""", """
                rules.cep:1:6: rule 'r' has ON TIMEOUT EMIT but no WITHIN; a partial match only times out when a window closes, so add e.g. WITHIN 10 MINUTES
                  | RULE r FROM s PATTERN a -> b
                  |      ^
                """);
    }

    @Test
    void emitNamesMustBeDistinct() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a -> b WITHIN 1 MINUTE
                  EMIT x = a.v, x = b.v
                  ON TIMEOUT EMIT y = a.v, y = 1""", """
                rules.cep:2:17: EMIT field 'x' is given twice; alert fields need distinct names
                  |   EMIT x = a.v, x = b.v
                  |                 ^
                rules.cep:3:28: ON TIMEOUT EMIT field 'y' is given twice; alert fields need distinct names
                  |   ON TIMEOUT EMIT y = a.v, y = 1
                  |                            ^
                """);
    }

    @Test
    void allProblemsOfAFileAreReportedInSourceOrder() {
        assertDiagnostics("""
                RULE r FROM s PATTERN !a b
                  DEFINE c AS x > 1;
                RULE q FROM s PATTERN a
                  EMIT n = COUNT(z)""", """
                rules.cep:1:23: a pattern cannot start with a negation: Flink CEP begins a pattern with a stage that matches an event; put a stage before '!a'
                  | RULE r FROM s PATTERN !a b
                  |                       ^^
                rules.cep:2:10: 'c' is defined but does not appear in PATTERN; pattern variables are a and b
                  |   DEFINE c AS x > 1;
                  |          ^
                rules.cep:4:18: unknown variable 'z' in COUNT(z); pattern variables are a
                  |   EMIT n = COUNT(z)
                  |                  ^
                """);
    }

    // ------------------------------------------------------------------ TO

    @Test
    void anUnknownSinkTypeWordIsReportedAtTheSink() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  TO log, queue 'fraud-topic'""", """
                rules.cep:2:11: unknown sink type 'queue'; expected webhook, file or kafka before a quoted target, log, or the name of a configured sink (without a target)
                  |   TO log, queue 'fraud-topic'
                  |           ^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void aKafkaSinkNeedsATopicNameKafkaTakes() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  TO kafka 'fraud alerts', KAFKA, kafka 'fraud-alerts.v2'""", """
                rules.cep:2:6: kafka target 'fraud alerts' is not a topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), e.g. 'fraud-alerts'
                  |   TO kafka 'fraud alerts', KAFKA, kafka 'fraud-alerts.v2'
                  |      ^^^^^^^^^^^^^^^^^^^^
                rules.cep:2:28: sink type kafka needs a quoted target, e.g. TO kafka 'fraud-alerts'; a configured sink cannot be named kafka
                  |   TO kafka 'fraud alerts', KAFKA, kafka 'fraud-alerts.v2'
                  |                            ^^^^^
                """);
    }

    @Test
    void aSinkListedTwiceIsReportedAtTheSecond() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a
                  TO hook, webhook 'http://h.example/a', hook, WEBHOOK 'http://h.example/a'""", """
                rules.cep:2:42: sink 'hook' is listed twice in TO; list each sink once
                  |   TO hook, webhook 'http://h.example/a', hook, WEBHOOK 'http://h.example/a'
                  |                                          ^^^^
                rules.cep:2:48: sink webhook 'http://h.example/a' is listed twice in TO; list each sink once
                  |   TO hook, webhook 'http://h.example/a', hook, WEBHOOK 'http://h.example/a'
                  |                                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void aSinkTypeWithoutTargetAndLogWithATargetAreReported() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a TO webhook, log 'x'""", """
                rules.cep:1:28: sink type webhook needs a quoted target, e.g. TO webhook 'https://hooks.example.com/alerts'; a configured sink cannot be named webhook
                  | RULE r FROM s PATTERN a TO webhook, log 'x'
                  |                            ^^^^^^^
                rules.cep:1:37: sink log takes no target; write TO log (it writes to the server's output)
                  | RULE r FROM s PATTERN a TO webhook, log 'x'
                  |                                     ^^^^^^^
                """);
    }

    @Test
    void aWebhookTargetMustBeAnHttpUrlAndAFileTargetAPath() {
        assertDiagnostics("""
                RULE r FROM s PATTERN a TO webhook 'ftp://h.example/x', file ' '""", """
                rules.cep:1:28: webhook target 'ftp://h.example/x' is not an http:// or https:// URL with a host, e.g. 'https://hooks.example.com/alerts'
                  | RULE r FROM s PATTERN a TO webhook 'ftp://h.example/x', file ' '
                  |                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^
                rules.cep:1:57: file target ' ' is not a path, e.g. 'alerts.ndjson'
                  | RULE r FROM s PATTERN a TO webhook 'ftp://h.example/x', file ' '
                  |                                                         ^^^^^^^^
                """);
    }

    @Test
    void configuredNamesAreNotJudgedByTheLanguage() {
        assertNoDiagnostics("RULE r FROM s PATTERN a TO not_configured_anywhere, log");
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

    private static String rendered(ParseResult result) {
        return result.diagnostics().stream().map(d -> d.render() + "\n").collect(Collectors.joining());
    }
}

package dev.vigil.nfa.expr;

import static dev.vigil.nfa.expr.Fixtures.MATCH;
import static dev.vigil.nfa.expr.Fixtures.PAYMENT;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every built-in scalar function, one case per line, against {@link Fixtures#PAYMENT}. */
class FunctionsTest {

    @TestFactory
    Stream<DynamicTest> stringFunctions() {
        return Table.values(PAYMENT, MATCH, """
                LOWER('AbC')                      => 'abc'
                LOWER(qty)                        => null
                LOWER(missing)                    => null
                UPPER(merchant)                   => 'ACME CORP'
                UPPER(missing)                    => null
                LENGTH(merchant)                  => 9
                LENGTH(empty)                     => 0
                LENGTH(qty)                       => null
                TRIM('  a b  ')                   => 'a b'
                TRIM(empty)                       => ''
                TRIM(missing)                     => null
                -- SUBSTRING is 1-based, SQL style: positions start .. start + len - 1 that exist
                SUBSTRING('hello', 2)             => 'ello'
                SUBSTRING('hello', 1, 3)          => 'hel'
                SUBSTRING('hello', 0, 3)          => 'he'
                SUBSTRING('hello', -5, 3)         => ''
                SUBSTRING('hello', 4, 100)        => 'lo'
                SUBSTRING('hello', 6)             => ''
                SUBSTRING('hello', 99)            => ''
                SUBSTRING('hello', 0)             => 'hello'
                SUBSTRING('hello', 2, 0)          => ''
                SUBSTRING('hello', 2, -1)         => null
                SUBSTRING('hello', 2.0, 2)        => 'el'
                SUBSTRING('hello', 2.5)           => null
                SUBSTRING('hello', max)           => ''
                SUBSTRING('hello', 2, max)        => 'ello'
                SUBSTRING('hello', min, max)      => ''
                SUBSTRING(missing, 1)             => null
                SUBSTRING('hello', missing)       => null
                -- CONCAT writes numbers and booleans as text, and is null if any argument is
                CONCAT('a', 'b', 'c')             => 'abc'
                CONCAT(card, '/', qty)            => '4111-XX/3'
                CONCAT('x', amount)               => 'x12.5'
                CONCAT('x', flag)                 => 'xtrue'
                CONCAT('a', missing)              => null
                CONCAT(empty, empty)              => ''
                STARTS_WITH(merchant, 'ACME')     => true
                STARTS_WITH(merchant, 'Corp')     => false
                STARTS_WITH(missing, 'a')         => null
                ENDS_WITH(merchant, 'Corp')       => true
                ENDS_WITH(merchant, 'ACME')       => false
                ENDS_WITH(merchant, qty)          => null
                CONTAINS(merchant, 'ME C')        => true
                CONTAINS(merchant, 'me c')        => false
                CONTAINS(merchant, '')            => true
                CONTAINS(merchant, missing)       => null
                REPLACE('a-b-c', '-', '+')        => 'a+b+c'
                REPLACE('aaa', 'aa', 'b')         => 'ba'
                REPLACE('abc', '', 'x')           => 'abc'
                REPLACE('abc', 'b', '')           => 'ac'
                REPLACE('abc', 'b', missing)      => null
                REPLACE(qty, '3', '4')            => null
                """);
    }

    @TestFactory
    Stream<DynamicTest> mathFunctions() {
        return Table.values(PAYMENT, MATCH, """
                ABS(-3)                           => 3
                ABS(3)                            => 3
                ABS(-2.5)                         => 2.5
                ABS(min)                          => 9.223372036854776E18
                ABS(card)                         => null
                -- ROUND(x) is a Long, halves away from zero; ROUND(x, d) a Double
                ROUND(2.5)                        => 3
                ROUND(-2.5)                       => -3
                ROUND(2.4999)                     => 2
                ROUND(-2.4999)                    => -2
                ROUND(0.49999999999999994)        => 0
                ROUND(qty)                        => 3
                ROUND(1e300)                      => null
                ROUND(nan)                        => null
                ROUND(missing)                    => null
                ROUND(2.675, 2)                   => 2.68
                ROUND(-2.675, 2)                  => -2.68
                ROUND(1234.5678, 0)               => 1235.0
                ROUND(1234.5678, 1)               => 1234.6
                ROUND(1234, -2)                   => 1200.0
                ROUND(1250, -2)                   => 1300.0
                ROUND(qty, 2)                     => 3.0
                ROUND(1.5, 100000)                => 1.5
                ROUND(1.5, -100000)               => 0.0
                ROUND(1.5, missing)               => null
                ROUND(1.5, 1.5)                   => null
                ROUND(card, 1)                    => null
                FLOOR(2.7)                        => 2
                FLOOR(-2.2)                       => -3
                FLOOR(qty)                        => 3
                FLOOR(1e300)                      => null
                FLOOR(card)                       => null
                CEIL(2.2)                         => 3
                CEIL(-2.7)                        => -2
                CEIL(qty)                         => 3
                CEIL(nan)                         => null
                -- the Double functions are null where the result is not a finite number
                SQRT(16)                          => 4.0
                SQRT(2)                           => ~1.4142135623730951
                SQRT(-1)                          => null
                SQRT(card)                        => null
                POWER(2, 10)                      => 1024.0
                POWER(2, 0.5)                     => ~1.4142135623730951
                POWER(qty, -1)                    => ~0.3333333333333333
                POWER(10, 400)                    => null
                POWER(-8, 1.0 / 3)                => null
                POWER(2, missing)                 => null
                LN(1)                             => 0.0
                LN(EXP(2))                        => ~2.0
                LN(0)                             => null
                LN(-1)                            => null
                LOG10(1000)                       => 3.0
                LOG10(0.01)                       => ~-2.0
                LOG10(0)                          => null
                EXP(0)                            => 1.0
                EXP(1)                            => ~2.718281828459045
                EXP(1000)                         => null
                EXP(card)                         => null
                """);
    }

    @TestFactory
    Stream<DynamicTest> choosingFunctions() {
        return Table.values(PAYMENT, MATCH, """
                GREATEST(1, 5, 3)                 => 5
                GREATEST(1, 5.5, 3)               => 5.5
                -- the result has the arguments' common type: Double if any is a Double
                GREATEST(5, 2.5, 3)               => 5.0
                GREATEST(2, 2.0)                  => 2.0
                GREATEST(2, nan)                  => 2.0
                GREATEST(2, missing)              => 2
                GREATEST(missing, 4, NULL)        => 4
                GREATEST(missing, NULL)           => null
                GREATEST('apple', 'pear')         => 'pear'
                GREATEST(1, 'zzz', 2)             => 2
                GREATEST(flag, 1)                 => 1
                GREATEST(nan, 1)                  => 1.0
                GREATEST(amount, probe.amount)    => 12.5
                LEAST(4, 2.5, 3)                  => 2.5
                LEAST(1, 2.5, 3)                  => 1.0
                LEAST(missing, 7)                 => 7
                LEAST('b', 'a', 'c')              => 'a'
                LEAST(max, min)                   => -9223372036854775808
                COALESCE(missing, nothing, 'x', 'y') => 'x'
                COALESCE(missing, NULL)           => null
                COALESCE(amount, 0)               => 12.5
                COALESCE(idle.amount, 0)          => 0
                COALESCE(empty, 'x')              => ''
                """);
    }

    @TestFactory
    Stream<DynamicTest> geoDistanceRejectsWhatIsNotACoordinate() {
        return Table.values(PAYMENT, MATCH, """
                GEO_DISTANCE(0, 0, 0, 0)           => 0.0
                GEO_DISTANCE(12.5, 3, 12.5, 3)     => 0.0
                GEO_DISTANCE(missing, 0, 0, 0)     => null
                GEO_DISTANCE(0, 0, 0, 'x')         => null
                GEO_DISTANCE(91, 0, 0, 0)          => null
                GEO_DISTANCE(0, 0, -90.5, 0)       => null
                GEO_DISTANCE(0, 0, 0, nan)         => null
                """);
    }
}

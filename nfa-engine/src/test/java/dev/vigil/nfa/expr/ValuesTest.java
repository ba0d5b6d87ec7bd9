package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The value model: what numbers become when read, and how values compare. */
class ValuesTest {

    @Test
    void integralNumbersBecomeLongs() {
        assertEquals(3L, Values.normalize(3));
        assertEquals(3L, Values.normalize((short) 3));
        assertEquals(3L, Values.normalize((byte) 3));
        assertEquals(3L, Values.normalize(new AtomicLong(3)));
        assertEquals(Long.MAX_VALUE, Values.normalize(BigInteger.valueOf(Long.MAX_VALUE)));
    }

    @Test
    void otherNumbersBecomeDoubles() {
        assertEquals(0.1, Values.normalize(0.1f));
        assertEquals(19.99, Values.normalize(new BigDecimal("19.99")));
        assertEquals(2.0, Values.normalize(new BigDecimal("2")));
        assertEquals(0x1p64, Values.normalize(BigInteger.ONE.shiftLeft(64)));
    }

    @Test
    void everythingElseIsKeptAsIs() {
        List<String> list = List.of("a");
        assertEquals(list, Values.normalize(list));
        assertEquals("c", Values.normalize('c'));
        assertEquals(null, Values.normalize(null));
        assertEquals(true, Values.normalize(true));
    }

    @Test
    void comparisonOutcomes() {
        assertEquals(Values.LESS, Values.compare(1L, 2L));
        assertEquals(Values.EQUAL, Values.compare(2L, 2.0));
        assertEquals(Values.EQUAL, Values.compare(-0.0, 0L));
        assertEquals(Values.GREATER, Values.compare(2.5, 2L));
        assertEquals(Values.LESS, Values.compare(Long.MAX_VALUE, 0x1p63));
        assertEquals(Values.GREATER, Values.compare(Long.MIN_VALUE, -0x1p64));
        assertEquals(Values.EQUAL, Values.compare(Long.MIN_VALUE, -0x1p63));
        assertEquals(Values.GREATER, Values.compare(-1L, -1.5));
        assertEquals(Values.LESS, Values.compare(-2L, -1.5));
        assertEquals(Values.GREATER, Values.compare(Double.POSITIVE_INFINITY, Long.MAX_VALUE));
        assertEquals(Values.NONE, Values.compare(Double.NaN, 1L));
        assertEquals(Values.NONE, Values.compare(Double.NaN, Double.NaN));
        assertEquals(Values.LESS, Values.compare("a", "b"));
        assertEquals(Values.SAME, Values.compare(true, true));
        assertEquals(Values.DIFFERENT, Values.compare(true, false));
        assertEquals(Values.NONE, Values.compare("1", 1L));
        assertEquals(Values.NONE, Values.compare(null, null));
        assertEquals(Values.NONE, Values.compare(List.of(), List.of()));
    }

    @Test
    void onlyBooleanTrueIsTrue() {
        assertEquals(true, Values.isTrue(Boolean.TRUE));
        assertEquals(false, Values.isTrue(Boolean.FALSE));
        assertEquals(false, Values.isTrue("true"));
        assertEquals(false, Values.isTrue(1L));
        assertEquals(false, Values.isTrue(null));
    }

    @Test
    void wholeNumbers() {
        assertEquals(2L, Values.wholeNumber(2L));
        assertEquals(2L, Values.wholeNumber(2.0));
        assertEquals(null, Values.wholeNumber(2.5));
        assertEquals(null, Values.wholeNumber(Double.NaN));
        assertEquals(null, Values.wholeNumber(1e300));
        assertEquals(null, Values.wholeNumber("2"));
    }

    @Test
    void literalsPrintAsTheRuleLanguageWritesThem() {
        assertEquals("'it''s'", Values.literal("it's"));
        assertEquals("NULL", Values.literal(null));
        assertEquals("TRUE", Values.literal(true));
        assertEquals("2.5", Values.literal(2.5));
        assertEquals("7", Values.literal(7L));
    }
}

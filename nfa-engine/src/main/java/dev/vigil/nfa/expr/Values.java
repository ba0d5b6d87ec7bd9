package dev.vigil.nfa.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The value model of expressions: which Java objects are values, how foreign numbers are normalised,
 * and how two values compare.
 *
 * <p>Every compiled node returns a <em>normalised</em> value: {@code null}, Long, Double, String,
 * Boolean, or a nested Map/List taken as is from the event. JSON readers hand us Integers,
 * BigDecimals and the like; {@link #normalize} turns them into Long or Double once, where a field is
 * read, so operators only ever see the two number types.
 *
 * <p>Comparison follows SQL with three-valued logic collapsed to two values: a comparison whose
 * operands are null or of different kinds is false, whatever the operator (also {@code <>}). Numbers
 * compare exactly across Long and Double, so {@code 2 = 2.0} holds and {@code 2^53 + 1 > 2.0^53} too;
 * strings compare lexicographically (by UTF-16 unit, case-sensitively); booleans only compare for
 * equality, so {@code TRUE >= TRUE} is false.
 */
final class Values {
    /** Outcome bits of {@link #compare}; an operator holds when the outcome is in its mask. */
    static final int NONE = 0;

    static final int LESS = 1;
    static final int EQUAL = 2;
    static final int GREATER = 4;
    /** Equal values of a kind without order (booleans): satisfies {@code =} and nothing else. */
    static final int SAME = 8;
    /** Different values of a kind without order: satisfies {@code <>} and nothing else. */
    static final int DIFFERENT = 16;

    private Values() {}

    /** Only {@code Boolean.TRUE} is true; null and non-booleans are false. */
    static boolean isTrue(Object value) {
        return value instanceof Boolean b && b;
    }

    static Object normalize(Object value) {
        if (value == null
                || value instanceof Long
                || value instanceof Double
                || value instanceof String
                || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer
                || value instanceof Short
                || value instanceof Byte
                || value instanceof AtomicInteger
                || value instanceof AtomicLong) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            if (big.bitLength() < Long.SIZE) {
                return big.longValue();
            }
            return big.doubleValue();
        }
        if (value instanceof Float f) {
            // Through the decimal text, so that 0.1f reads as 0.1 and not as 0.10000000149011612.
            return Double.parseDouble(f.toString());
        }
        if (value instanceof BigDecimal || value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Character c) {
            return String.valueOf(c.charValue());
        }
        return value;
    }

    static boolean isNumber(Object value) {
        return value instanceof Long || value instanceof Double;
    }

    /** Whether the value has an order: a Long, a Double other than NaN, or a String. */
    static boolean isOrderable(Object value) {
        return value instanceof Long || value instanceof String || (value instanceof Double d && !d.isNaN());
    }

    /** The outcome of comparing two normalised values: one of the outcome bits, or NONE. */
    static int compare(Object left, Object right) {
        if (left instanceof Long l) {
            if (right instanceof Long r) {
                return order(Long.compare(l, r));
            }
            if (right instanceof Double r) {
                return compareLongDouble(l, r);
            }
            return NONE;
        }
        if (left instanceof Double l) {
            if (right instanceof Double r) {
                return compareDoubles(l, r);
            }
            if (right instanceof Long r) {
                return mirror(compareLongDouble(r, l));
            }
            return NONE;
        }
        if (left instanceof String l) {
            return right instanceof String r ? order(l.compareTo(r)) : NONE;
        }
        if (left instanceof Boolean l) {
            if (right instanceof Boolean r) {
                return l.booleanValue() == r.booleanValue() ? SAME : DIFFERENT;
            }
        }
        return NONE;
    }

    private static int order(int comparison) {
        return comparison < 0 ? LESS : comparison > 0 ? GREATER : EQUAL;
    }

    private static int mirror(int outcome) {
        return outcome == LESS ? GREATER : outcome == GREATER ? LESS : outcome;
    }

    private static int compareDoubles(double l, double r) {
        if (l < r) {
            return LESS;
        }
        if (l > r) {
            return GREATER;
        }
        return l == r ? EQUAL : NONE; // NaN compares with nothing
    }

    /** Exact, unlike {@code (double) l}, which rounds longs beyond 2^53. */
    private static int compareLongDouble(long l, double r) {
        if (Double.isNaN(r)) {
            return NONE;
        }
        if (r >= 0x1p63) {
            return LESS;
        }
        if (r < -0x1p63) {
            return GREATER;
        }
        long whole = (long) r; // truncates toward zero; exact within the range checked above
        if (l != whole) {
            return order(Long.compare(l, whole));
        }
        double fraction = r - whole;
        return fraction > 0 ? LESS : fraction < 0 ? GREATER : EQUAL;
    }

    /** A whole number as a long, or null: Longs, and Doubles without a fractional part that fit. */
    static Long wholeNumber(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Double d && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
            return (long) d.doubleValue();
        }
        return null;
    }

    /** A finite Double, or null for NaN and infinities (which JSON cannot carry). */
    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Canonical literal text, as the rule language writes it. */
    static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        return String.valueOf(value);
    }
}

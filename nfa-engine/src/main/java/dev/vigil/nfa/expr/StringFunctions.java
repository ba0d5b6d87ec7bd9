package dev.vigil.nfa.expr;

import java.util.Locale;

/**
 * The string functions of the catalogue as plain static methods over normalised values. Each one yields
 * null when an argument is null or of the wrong kind; positions and lengths count UTF-16 units, as
 * {@link String#length()} does.
 */
final class StringFunctions {
    private StringFunctions() {}

    static Object lower(Object s) {
        return s instanceof String text ? text.toLowerCase(Locale.ROOT) : null;
    }

    static Object upper(Object s) {
        return s instanceof String text ? text.toUpperCase(Locale.ROOT) : null;
    }

    static Object length(Object s) {
        return s instanceof String text ? (Object) (long) text.length() : null;
    }

    /** Removes leading and trailing white space (Unicode's definition, as {@link String#strip()}). */
    static Object trim(Object s) {
        return s instanceof String text ? text.strip() : null;
    }

    /** {@code SUBSTRING(s, start)}: from the 1-based {@code start} to the end; a start before 1 means 1. */
    static Object substring(Object s, Object start) {
        Long from = Values.wholeNumber(start);
        if (!(s instanceof String text) || from == null) {
            return null;
        }
        return text.substring((int) Math.min(Math.max(from, 1), text.length() + 1L) - 1);
    }

    /**
     * {@code SUBSTRING(s, start, len)}, SQL's definition: the characters at 1-based positions
     * {@code start .. start + len - 1} that exist, so {@code SUBSTRING('hello', 0, 3)} is {@code 'he'}.
     * A negative length is null.
     */
    static Object substring(Object s, Object start, Object length) {
        Long from = Values.wholeNumber(start);
        Long count = Values.wholeNumber(length);
        if (!(s instanceof String text) || from == null || count == null || count < 0) {
            return null;
        }
        long end = from > 0 && count > Long.MAX_VALUE - from ? Long.MAX_VALUE : from + count; // exclusive
        long clampedFrom = Math.min(Math.max(from, 1), text.length() + 1L);
        long clampedEnd = Math.min(Math.max(end, clampedFrom), text.length() + 1L);
        return text.substring((int) clampedFrom - 1, (int) clampedEnd - 1);
    }

    static Object startsWith(Object s, Object prefix) {
        if (s instanceof String text && prefix instanceof String p) {
            return text.startsWith(p);
        }
        return null;
    }

    static Object endsWith(Object s, Object suffix) {
        if (s instanceof String text && suffix instanceof String p) {
            return text.endsWith(p);
        }
        return null;
    }

    static Object contains(Object s, Object part) {
        if (s instanceof String text && part instanceof String p) {
            return text.contains(p);
        }
        return null;
    }

    /** Replaces every occurrence of {@code from}; an empty {@code from} changes nothing (as in SQL). */
    static Object replace(Object s, Object from, Object to) {
        if (s instanceof String text && from instanceof String target && to instanceof String replacement) {
            return target.isEmpty() ? text : text.replace(target, replacement);
        }
        return null;
    }
}

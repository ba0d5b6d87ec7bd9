package dev.vigil.nfa.expr;

import java.util.Arrays;

/**
 * A compiled SQL {@code LIKE} pattern: {@code %} matches any run of characters (also none), {@code _}
 * exactly one, and everything else itself, case-sensitively; the whole string must match. A backslash
 * makes the next character literal ({@code \%}, {@code \_}, {@code \\}); a trailing backslash is itself.
 *
 * <p>Matching is the classic wildcard walk with one backtrack point (the last {@code %} seen): linear for
 * typical patterns, O(text × pattern) at worst, and it allocates nothing, unlike a translated regex.
 * Characters are UTF-16 units, as in {@link String#length()}.
 */
final class LikePattern {
    private static final byte LITERAL = 0;
    private static final byte ANY_ONE = 1;
    private static final byte ANY_RUN = 2;

    private final String source;
    private final char[] chars;
    private final byte[] kinds;

    private LikePattern(String source, char[] chars, byte[] kinds) {
        this.source = source;
        this.chars = chars;
        this.kinds = kinds;
    }

    static LikePattern compile(String pattern) {
        char[] chars = new char[pattern.length()];
        byte[] kinds = new byte[pattern.length()];
        int size = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                chars[size] = pattern.charAt(++i);
                kinds[size++] = LITERAL;
            } else if (c == '%') {
                if (size == 0 || kinds[size - 1] != ANY_RUN) { // "%%" means the same as "%"
                    kinds[size++] = ANY_RUN;
                }
            } else if (c == '_') {
                kinds[size++] = ANY_ONE;
            } else {
                chars[size] = c;
                kinds[size++] = LITERAL;
            }
        }
        return new LikePattern(pattern, Arrays.copyOf(chars, size), Arrays.copyOf(kinds, size));
    }

    boolean matches(String text) {
        int p = 0;
        int t = 0;
        int runAt = -1; // pattern index of the last % seen
        int runFrom = 0; // text index where that % currently stops
        int n = text.length();
        int m = kinds.length;
        while (t < n) {
            if (p < m && (kinds[p] == ANY_ONE || (kinds[p] == LITERAL && chars[p] == text.charAt(t)))) {
                p++;
                t++;
            } else if (p < m && kinds[p] == ANY_RUN) {
                runAt = p++;
                runFrom = t;
            } else if (runAt >= 0) {
                p = runAt + 1; // let the last % swallow one more character and retry
                t = ++runFrom;
            } else {
                return false;
            }
        }
        while (p < m && kinds[p] == ANY_RUN) {
            p++;
        }
        return p == m;
    }

    String source() {
        return source;
    }

    @Override
    public String toString() {
        return Values.literal(source);
    }
}

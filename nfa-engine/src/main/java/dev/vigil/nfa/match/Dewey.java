package dev.vigil.nfa.match;

import java.util.Arrays;

/**
 * Dewey version numbers (Flink's {@code DeweyNumber}, from the SASE+ paper) as immutable {@code int[]}:
 * every run carries one, every shared-buffer edge is labelled with one, and a run sees exactly the edges
 * whose version is compatible with its own. Arrays are never modified after creation, so the short versions
 * with small digits that most runs carry ({@code 1.0}, {@code 1.0.0}, {@code 2.1}, ...) are made once for all
 * keys and threads: a step that yields one allocates nothing, and a held key does not keep a copy of its own.
 */
final class Dewey {
    /** Shared versions have digits below this (a power of two) ... */
    private static final int BASE_BITS = 3;
    private static final int BASE = 1 << BASE_BITS;
    /** ... and at most this many of them. */
    private static final int MAX_SHARED_LENGTH = 3;
    /** The shared versions by {@link #code}; filled when the class is initialised, read-only afterwards. */
    private static final int[][] SHARED = new int[2 << (BASE_BITS * MAX_SHARED_LENGTH)][];

    static {
        for (int length = 1; length <= MAX_SHARED_LENGTH; length++) {
            int count = 1 << (BASE_BITS * length);
            for (int n = 0; n < count; n++) {
                int[] version = new int[length];
                for (int i = length - 1, rest = n; i >= 0; i--, rest /= BASE) {
                    version[i] = rest % BASE;
                }
                SHARED[code(version, length - 1, version[length - 1])] = version;
            }
        }
    }

    private Dewey() {}

    /**
     * The index in {@link #SHARED} of the version made of {@code prefix[0 .. prefixLength)} and then {@code last}, or
     * -1 when it is too long or a digit is out of range: a 1 followed by the digits in base {@link #BASE}.
     */
    private static int code(int[] prefix, int prefixLength, int last) {
        if (prefixLength >= MAX_SHARED_LENGTH || last < 0 || last >= BASE) {
            return -1;
        }
        int code = 1;
        for (int i = 0; i < prefixLength; i++) {
            int digit = prefix[i];
            if (digit < 0 || digit >= BASE) {
                return -1;
            }
            code = code * BASE + digit;
        }
        return code * BASE + last;
    }

    static int[] of(int first) {
        return new int[] {first};
    }

    /**
     * The version with the last digit increased by {@code times} (a shared one or a copy); the version itself when
     * {@code times} is 0.
     */
    static int[] increase(int[] version, int times) {
        if (times == 0) {
            return version;   // immutable: sharing it saves a copy per taken event
        }
        int last = version.length - 1;
        int code = code(version, last, version[last] + times);
        if (code >= 0) {
            return SHARED[code];
        }
        int[] copy = Arrays.copyOf(version, version.length);
        copy[last] += times;
        return copy;
    }

    /** The version with a new last digit 0 (a shared one or a copy). */
    static int[] addStage(int[] version) {
        int code = code(version, version.length, 0);
        return code >= 0 ? SHARED[code] : Arrays.copyOf(version, version.length + 1);
    }

    /**
     * Flink's {@code a.isCompatibleWith(b)}: {@code b} is a proper prefix of {@code a}, or both have the same
     * length, the same digits but the last, and {@code a}'s last digit is at least {@code b}'s.
     */
    static boolean compatible(int[] a, int[] b) {
        if (a.length > b.length) {
            for (int i = 0; i < b.length; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            return true;
        } else if (a.length == b.length) {
            int last = a.length - 1;
            for (int i = 0; i < last; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            return a[last] >= b[last];
        }
        return false;
    }

    static String toString(int[] version) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < version.length; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(version[i]);
        }
        return out.toString();
    }
}

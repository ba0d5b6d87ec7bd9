package dev.vigil.nfa.match;

import java.util.Arrays;

/**
 * Dewey version numbers (Flink's {@code DeweyNumber}, from the SASE+ paper) as immutable {@code int[]}:
 * every run carries one, every shared-buffer edge is labelled with one, and a run sees exactly the edges
 * whose version is compatible with its own. Arrays are never modified after creation.
 */
final class Dewey {
    private Dewey() {}

    static int[] of(int first) {
        return new int[] {first};
    }

    /** A copy with the last digit increased by {@code times}; the version itself when {@code times} is 0. */
    static int[] increase(int[] version, int times) {
        if (times == 0) {
            return version;   // immutable: sharing it saves a copy per taken event
        }
        int[] copy = Arrays.copyOf(version, version.length);
        copy[copy.length - 1] += times;
        return copy;
    }

    /** A copy with a new last digit 0. */
    static int[] addStage(int[] version) {
        return Arrays.copyOf(version, version.length + 1);
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

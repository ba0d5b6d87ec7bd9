package dev.vigil.dsl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Close-name suggestions ("did you mean ...") and readable lists, shared by every pass that reports, and by hosts
 * whose own messages name configured things (the server's sinks).
 */
public final class Suggestions {
    /**
     * Longer names get no suggestion: a "did you mean" helps with typing slips in short names, and the edit
     * distance's table is quadratic in the names' length.
     */
    static final int MAX_SUGGESTED_LENGTH = 64;
    /** A list in a message names at most this many items, and about this many characters, then counts the rest. */
    static final int MAX_LISTED = 50;
    static final int MAX_LISTED_CHARS = 1_000;

    private Suggestions() {}

    /** Candidates within a small edit distance of {@code name} (case-insensitive), closest first. */
    public static List<String> closest(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.length() > MAX_SUGGESTED_LENGTH) {
            return List.of();
        }
        int limit = Math.max(1, Math.min(3, lower.length() / 3));
        List<String> close = new ArrayList<>();
        for (String candidate : candidates) {
            if (candidate.length() > MAX_SUGGESTED_LENGTH) {
                continue;
            }
            String c = candidate.toLowerCase(Locale.ROOT);
            boolean prefix = lower.length() >= 3 && c.length() >= 3 && (c.startsWith(lower) || lower.startsWith(c));
            int d = distance(lower, c);
            if ((d <= limit && d < lower.length()) || prefix) {
                close.add(candidate);
            }
        }
        close.sort(Comparator.comparingInt(c -> distance(lower, c.toLowerCase(Locale.ROOT))));
        return close.size() > 3 ? close.subList(0, 3) : close;
    }

    /**
     * Candidates that {@code name} is most likely a slip for, closest first: the same name in another case, or one
     * within an edit or two (one per five characters). Stricter than {@link #closest}, because a near miss is
     * reported as a mistake, not offered as a hint: no prefixes ({@code payments_eu} is no slip for
     * {@code payments}), and no names shorter than four characters ({@code s1} and {@code s2} are both meant).
     */
    public static List<String> nearMisses(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.length() < 4 || lower.length() > MAX_SUGGESTED_LENGTH) {
            return List.of();
        }
        int limit = Math.max(1, lower.length() / 5);
        List<String> close = new ArrayList<>();
        for (String candidate : candidates) {
            if (candidate.equals(name) || candidate.length() < 4 || candidate.length() > MAX_SUGGESTED_LENGTH) {
                continue;
            }
            if (distance(lower, candidate.toLowerCase(Locale.ROOT)) <= limit) {
                close.add(candidate);
            }
        }
        close.sort(Comparator.comparingInt(c -> distance(lower, c.toLowerCase(Locale.ROOT))));
        return close.size() > 3 ? close.subList(0, 3) : close;
    }

    /**
     * "a, b or c" (with {@code lastJoiner} "or") or "a, b and c"; a long list ends "..., x and 180 more", so that a
     * message stays readable and small whatever the text it is about.
     */
    public static String list(Collection<String> items, String lastJoiner) {
        List<String> all = new ArrayList<>(items);
        int shown = 0;
        int chars = 0;
        while (shown < all.size() && shown < MAX_LISTED && chars <= MAX_LISTED_CHARS) {
            chars += all.get(shown++).length() + 2;
        }
        if (shown < all.size()) {
            return String.join(", ", all.subList(0, shown)) + " " + lastJoiner + " " + (all.size() - shown) + " more";
        }
        if (all.size() <= 1) {
            return all.isEmpty() ? "" : all.get(0);
        }
        return String.join(", ", all.subList(0, all.size() - 1)) + " " + lastJoiner + " " + all.get(all.size() - 1);
    }

    /**
     * Edit distance counting an insertion, deletion, substitution or swap of two neighbours as one edit
     * (optimal string alignment), so {@code FORM} is one edit from {@code FROM}. Names are short; the
     * quadratic table is fine.
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** LIKE matching edge cases that the one-line tables cannot spell, and a cross-check against regex. */
class LikePatternTest {

    @Test
    void percentMatchesAcrossLineBreaks() {
        assertEquals(true, LikePattern.compile("a%b").matches("a\nline\nb"));
        assertEquals(true, LikePattern.compile("a_b").matches("a\nb"));
    }

    @Test
    void regexMetacharactersAreOrdinary() {
        assertEquals(true, LikePattern.compile("a.c*[x]$").matches("a.c*[x]$"));
        assertEquals(false, LikePattern.compile("a.c").matches("abc"));
    }

    @Test
    void underscoreCountsUtf16Units() {
        assertEquals(true, LikePattern.compile("__").matches("\uD83D\uDE00")); // one emoji, two units
        assertEquals(false, LikePattern.compile("_").matches("\uD83D\uDE00"));
    }

    @Test
    void backtrackingFindsTheRightSplit() {
        assertEquals(true, LikePattern.compile("%abc%abd").matches("abcabcabd"));
        assertEquals(true, LikePattern.compile("%aab").matches("aaaab"));
        assertEquals(false, LikePattern.compile("%aab%").matches("aaa"));
        assertEquals(true, LikePattern.compile("a%%%b").matches("ab"));
    }

    @Test
    void longSubjectsAreMatchedWithoutRecursion() {
        String text = "x".repeat(200_000) + "end";
        assertEquals(true, LikePattern.compile("%x%end").matches(text));
        assertEquals(false, LikePattern.compile("%y%").matches(text));
    }

    /** Every pattern over {a, b, %, _} up to 4 symbols against every text over {a, b} up to 5 letters. */
    @Test
    void agreesWithTheEquivalentRegexOnAllSmallCases() {
        String[] patterns = words("ab%_", 4);
        String[] texts = words("ab", 5);
        for (String pattern : patterns) {
            Pattern regex = Pattern.compile(pattern.replace("%", ".*").replace("_", "."), Pattern.DOTALL);
            LikePattern like = LikePattern.compile(pattern);
            for (String text : texts) {
                assertEquals(regex.matcher(text).matches(), like.matches(text), "'" + text + "' LIKE '" + pattern + "'");
            }
        }
    }

    private static String[] words(String alphabet, int maxLength) {
        List<String> words = new ArrayList<>();
        words.add("");
        for (int start = 0; start < words.size(); start++) {
            String word = words.get(start);
            if (word.length() < maxLength) {
                for (char c : alphabet.toCharArray()) {
                    words.add(word + c);
                }
            }
        }
        return words.toArray(new String[0]);
    }
}

package dev.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick syntax check refuses only what the parser refuses: certain mistakes are refused without a parser, and
 * nothing JSON is ever refused by it (a refusal it is unsure of is left to the parser).
 */
class JsonSyntaxTest {
    @ParameterizedTest
    @ValueSource(strings = {"{", "}", "[", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]", "{a:1}", "{'a':1}",
        "01", "-", "1.", ".5", "+1", "1e", "1e+", "-01", "1a", "truex", "nul", "NaN", "Infinity", "\"a", "\"\\x\"",
        "\"\\u12g4\"", "\"tab\tinside\"", "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "\u0000", "{\"a\":1}\u0000", "[1]]",
        "{\"a\":[1,2}", "// comment", "/* c */ 1"})
    void refusesWhatIsCertainlyNotJson(String text) {
        assertTrue(JsonSyntax.refuses(text), text);
        assertThrows(JsonProcessingException.class, () -> JsonTree.parse(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", " {\"a\" : [1, -0, 0.5e-3, 1E+2, true, false, null, \"\\u00e9\\n\\\"\"]} ",
        "\"just text\"", "-12.5", "0", "[[[]]]", "{\"\":{\"\":\"\"}}", "{\"a\":\"\u00e9\u2028\ud83d\ude00\"}",
        "\r\n\t{\"a\":1}\t", "1e400", "99999999999999999999"})
    void neverRefusesJson(String text) {
        assertFalse(JsonSyntax.refuses(text), text);
    }

    @Test
    void leavesToTheParserWhatItIsUnsureOf() {
        assertFalse(JsonSyntax.refuses("\ufeff{\"a\":1}"), "a byte order mark: the parser decides");
        assertFalse(JsonSyntax.refuses("{\"a\":1}\u00a0"), "non-ASCII after the value: the parser decides");
        assertFalse(JsonSyntax.refuses("[".repeat(100) + "x"), "deeper than it reads: the parser decides");
    }

    /** Each mistake in plain words, at its position (from 0); text in, text out. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{                 | 1  | the object that starts at column 1 is not closed: the input ends where a field name in double quotes was expected",
        "[1,               | 3  | the array that starts at column 1 is not closed: the input ends where a value (a string in double quotes, a number, an object, an array, true, false or null) was expected",
        "{\"a\":1 \"b\":2} | 7  | expected ',' or '}' after the field's value, found '\"'",
        "{\"a\" 1}        | 5  | expected ':' after the field name, found '1'",
        "[1 2]             | 3  | expected ',' or ']' after the element, found '2'",
        "[1,]              | 3  | expected a value (a string in double quotes, a number, an object, an array, true, false or null), found ']' (JSON allows no ',' before ']')",
        "{a:1}             | 1  | expected a field name in double quotes, found 'a' (a field name takes double quotes)",
        "{\"a\":tru}      | 5  | expected a value (a string in double quotes, a number, an object, an array, true, false or null), found 'tru' (a string takes double quotes)",
        "{\"a\":Infinity} | 5  | expected a value (a string in double quotes, a number, an object, an array, true, false or null), found 'Infinity' (JSON has no NaN or Infinity)",
        "-Infinity         | 1  | expected a digit, found 'Infinity'",
        "1.                | 2  | the input ends where a digit was expected",
        "1.5.3             | 3  | expected the end of the number, found '.'",
        "\"a\\qb\"        | 2  | '\\q' is no escape JSON knows (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\uXXXX)",
        "\"\\u12g4\"      | 1  | '\\u' must be followed by four hexadecimal digits",
        "\"abc            | 4  | the string that starts at column 1 is not closed: the input ends before its closing '\"'",
        "{\"a\":1} x      | 8  | more text ('x') follows the value that ends at column 7",
        "`{\"a\":1}{\"b\":2}` | 7 | another JSON value follows the value that ends at column 7"})
    void saysEachMistakeInPlainWordsWhereItIs(String text, int offset, String message) {
        JsonSyntax.Mistake mistake = JsonSyntax.mistake(text.strip());
        assertNotNull(mistake, text);
        assertEquals(message, mistake.message(), text);
        assertEquals(offset, mistake.offset(), text);
    }

    @Test
    void aTextOfSeveralLinesIsPlacedByLineAndColumn() {
        String text = "[{\"a\": 1},\n {\"a\": 2,\n  \"b\" 3}]";
        JsonSyntax.Mistake mistake = JsonSyntax.mistake(text);
        assertEquals("line 3, column 7", JsonSyntax.where(text, mistake.offset()));
        assertEquals("expected ':' after the field name, found '3'", mistake.message());
        assertEquals("column 4", JsonSyntax.where("[1 2]", 3));
    }

    /** Mutated JSON text: whatever the check refuses, the parser refuses too. */
    @Test
    void refusesNothingTheParserReads() throws Exception {
        Random random = new Random(16);
        String[] seeds = {"{\"stream\":\"payments\",\"ts\":\"2026-11-20T14:02:10Z\",\"amount\":-12.5e1,\"ok\":true}",
            "[{\"a\":[1,2,{\"b\":null}]},\"s\\\\\\\"x\",0]", "{\"n\":{\"m\":[false,\"\\u00e9\"],\"e\":{}}}"};
        String alphabet = "{}[]:,\"\\ -+.0123456789eEtrufalsn\t\n\r/\u00e9\u0000xu";
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int edits = 1 + random.nextInt(3); edits > 0 && text.length() > 0; edits--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String candidate = text.toString();
            if (JsonSyntax.refuses(candidate)) {
                refused++;
                assertNotNull(JsonSyntax.mistake(candidate), "a refusal says its mistake: " + candidate);
                try {
                    JsonTree.parse(candidate);
                    fail("the check refused what the parser reads: " + candidate);
                } catch (JsonProcessingException expected) {
                    // both refuse it
                }
            } else if (readable(candidate)) {
                assertNull(JsonSyntax.mistake(candidate), "no mistake in what the parser reads: " + candidate);
            }
        }
        assertTrue(refused > 10_000, "the mutations mostly break the text: " + refused);
    }

    private static boolean readable(String text) {
        try {
            JsonTree.parse(text);
            return true;
        } catch (JsonProcessingException refused) {
            return false;
        }
    }
}

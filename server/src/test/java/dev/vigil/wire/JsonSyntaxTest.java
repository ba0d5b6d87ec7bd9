package dev.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
                try {
                    JsonTree.parse(candidate);
                    fail("the check refused what the parser reads: " + candidate);
                } catch (JsonProcessingException expected) {
                    // both refuse it
                }
            }
        }
        assertTrue(refused > 10_000, "the mutations mostly break the text: " + refused);
    }
}

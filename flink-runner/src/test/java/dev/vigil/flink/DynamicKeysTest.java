package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import dev.vigil.wire.JsonCodec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's keys are the engine's: equal values give one key, values the engine tells apart (7 and 7.0, a
 * missing field and a string "null") give different ones; rules keyed alike share a spec; rule mistakes fail the
 * submission with every diagnostic.
 */
class DynamicKeysTest {
    private static final List<List<String>> BY_USER = List.of(List.of("user"));
    private static final List<List<String>> BY_USER_AND_DEVICE = List.of(List.of("user"), List.of("device", "id"));

    @Test
    void keysAreEqualExactlyWhenTheEnginesKeysAre() {
        assertEquals(key(BY_USER, "user", "u1"), key(BY_USER, "user", "u1"));
        assertNotEquals(key(BY_USER, "user", 7L), key(BY_USER, "user", 7.0));
        assertNotEquals(key(BY_USER, "user", "null"), key(BY_USER, "other", "u1"));
        assertEquals(key(BY_USER, "user", null), key(BY_USER, "other", "u1"));   // missing and null: one key
        assertNotEquals(key(BY_USER, "user", "a\",\"b"), key(BY_USER_AND_DEVICE, "user", "a"));
        Event nested = new Event("s", 1, 1, Map.of("user", "u1", "device", Map.of("id", 3L)));
        assertEquals("[\"u1\",3]", DynamicKeyFunction.keyText(BY_USER_AND_DEVICE, nested));
        assertEquals("", DynamicKeyFunction.keyText(List.of(), nested));
    }

    @Test
    void keysWrittenWithoutTheJsonCodecAreItsText() {
        for (Object value : new Object[] {"u1", "", "a b/c~", "quote\"d", "back\\slash", "tab\t", "é", "\u007f", 7L,
                -0L, Long.MIN_VALUE, 7.0, true}) {
            assertEquals(JsonCodec.value(value), key(BY_USER, "user", value), String.valueOf(value));
        }
    }

    @Test
    void rulesKeyedAlikeShareOneSpec() {
        VigilRules rules = VigilRules.of(List.of(new VigilRules.RuleFile("r.cep", """
                RULE a FROM s PARTITION BY user PATTERN x y DEFINE x AS TRUE, y AS TRUE;
                RULE b FROM s, t PARTITION BY device.id PATTERN x y DEFINE x AS TRUE, y AS TRUE;
                RULE c FROM t PARTITION BY user PATTERN x y DEFINE x AS TRUE, y AS TRUE;
                RULE d FROM t PATTERN x y DEFINE x AS TRUE, y AS TRUE;
                """)));
        VigilRules.Compiled compiled = rules.compile();
        assertEquals(List.of(List.of(List.of("user")), List.of(List.of("device", "id")), List.of()),
                compiled.specs());
        assertEquals("[0, 1, 0, 2]", Arrays.toString(compiled.specOf()));
    }

    @Test
    void mistakesInRulesFailTheSubmissionWithEveryDiagnostic() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> VigilRules.of(List.of(
                        new VigilRules.RuleFile("bad.cep", "RULE a FROM s PATTERN x y WITHIN DEFINE x AS TRUE;"),
                        new VigilRules.RuleFile("one.cep", "RULE b FROM s PATTERN x DEFINE x AS TRUE;"),
                        new VigilRules.RuleFile("two.cep", "RULE b FROM t PATTERN y DEFINE y AS TRUE;"))));
        assertTrue(refused.getMessage().contains("bad.cep:1:"), refused.getMessage());
        assertTrue(refused.getMessage().contains("rule 'b' is defined in one.cep and again in two.cep"),
                refused.getMessage());
    }

    private static String key(List<List<String>> spec, String field, Object value) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(field, value);
        return DynamicKeyFunction.keyText(spec, new Event("s", 1, 1, fields));
    }
}

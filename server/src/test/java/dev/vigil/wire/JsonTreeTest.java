package dev.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming reader gives exactly the values Jackson's data binding gives, and refuses what it refuses. */
class JsonTreeTest {
    private static final ObjectMapper DATABIND = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"stream\":\"payments\",\"ts\":1000,\"amount\":12.5,\"ok\":true,\"note\":null}",
        "{\"nested\":{\"a\":[1,2,{\"b\":\"c\"}],\"e\":[]},\"empty\":{}}",
        "{\"big\":9223372036854775807,\"neg\":-5,\"exp\":1e3,\"small\":-0.0}",
        "{\"dup\":1,\"dup\":2}",
        "{\"unicode\":\"\\u00e9\\n\\\"q\\\"\",\"ts\":\"2026-11-20T14:02:10Z\"}",
        "[1,\"two\",3.0,false]",
        "  \"just a string\"  ",
        "42"})
    void givesTheValuesOfDataBinding(String json) throws Exception {
        assertEquals(DATABIND.readValue(json, Object.class), JsonTree.parse(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"stream\":\"payments\",\"ts\":1000,\"amount\":12.5,\"ok\":true,\"note\":null}",
        "{\"nested\":{\"a\":[1,2,{\"b\":\"c\"}],\"e\":[]},\"empty\":{}}",
        "[{\"stream\":\"s\",\"k\":1},{\"stream\":\"s\",\"k\":2},{\"k\":3,\"stream\":\"s\"},{}]",
        "{}"})
    void inputEventsAreCompactAndEqualToTheMapsOfDataBinding(String json) throws Exception {
        Object parsed = JsonTree.parseInput(json, 100);
        assertEquals(DATABIND.readValue(json, Object.class), parsed);
        for (Object event : parsed instanceof List<?> events ? events : List.of(parsed)) {
            assertTrue(event instanceof dev.vigil.nfa.EventFields, "an event is compact: " + event.getClass());
            assertEquals(DATABIND.readValue(DATABIND.writeValueAsString(event), Object.class), event,
                    "written as the same JSON");
        }
        if (parsed instanceof Map<?, ?> event && event.get("nested") instanceof Map<?, ?> nested) {
            assertTrue(nested instanceof java.util.LinkedHashMap, "what an event nests is a plain map");
        }
    }

    @Test
    void eventsOfOneShapeShareTheirNamesAndARepeatedNameKeepsItsLastValue() throws Exception {
        var first = (dev.vigil.nfa.EventFields) JsonTree.parseInput("{\"stream\":\"s\",\"v\":1}", 100);
        var second = (dev.vigil.nfa.EventFields) JsonTree.parseInput("{\"stream\":\"s\",\"v\":2}", 100);
        assertTrue(first.names() == second.names(), "one FieldNames for one shape");
        assertEquals(2L, second.get("v"));
        Object repeated = JsonTree.parseInput("{\"v\":1,\"w\":0,\"v\":2}", 100);
        assertEquals(DATABIND.readValue("{\"v\":1,\"w\":0,\"v\":2}", Object.class), repeated);
        assertEquals(List.of("v", "w"), List.copyOf(((Map<?, ?>) repeated).keySet()));
    }

    @Test
    void numbersKeepTheirKinds() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) JsonTree.parse("{\"i\":7,\"d\":7.0}");
        assertEquals(7L, parsed.get("i"));
        assertEquals(7.0, parsed.get("d"));
    }

    @Test
    void randomDocumentsReadAlike() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            String json = DATABIND.writeValueAsString(randomValue(random, 0));
            assertEquals(DATABIND.readValue(json, Object.class), JsonTree.parse(json), json);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":99999999999999999999}", "{\"a\":1} {\"b\":2}", "{\"a\":1}x", "{\"a\":", "{\"a\" 1}", "[1,2", "{'a':1}", "",
        "   "})
    void refusesWhatDataBindingRefuses(String json) {
        assertThrows(JsonProcessingException.class, () -> DATABIND.readValue(json, Object.class));
        JsonProcessingException refused = assertThrows(JsonProcessingException.class, () -> JsonTree.parse(json));
        assertTrue(refused.getOriginalMessage() != null && !refused.getOriginalMessage().isBlank());
    }

    @Test
    void numbersNoEventCanHoldAreRefusedNamingTheirField() {
        assertEquals("field 'amount': number 1e400 is beyond the range of a 64-bit double (magnitude at most "
                + "1.7976931348623157E308)", refusal("{\"amount\":1e400}"));
        assertEquals("field 'd.x[1]': number -1E999 is beyond the range of a 64-bit double (magnitude at most "
                + "1.7976931348623157E308)", refusal("{\"d\":{\"x\":[1,-1E999]}}"));
        assertEquals("field '[2].ts': integer 9223372036854775808 is outside the 64-bit range "
                + "(-9223372036854775808 to 9223372036854775807)", refusal("[1, {}, {\"ts\": 9223372036854775808}]"));
        assertEquals("field 'id': integer 12345678901234567890...1234567890 (60 characters) is outside the 64-bit "
                + "range (-9223372036854775808 to 9223372036854775807)",
                refusal("{\"id\":" + "1234567890".repeat(6) + "}"), "a long number is cut in the message");
        assertEquals("number 1e400 is beyond the range of a 64-bit double (magnitude at most 1.7976931348623157E308)",
                refusal("1e400"));
    }

    @Test
    void otherNumberEdgesAreDecidedPlainly() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) JsonTree.parse(
                "{\"a\":-0,\"b\":-0.0,\"c\":1e-400,\"d\":9223372036854775807,\"e\":-9223372036854775808}");
        assertEquals(0L, parsed.get("a"), "-0 is the integer 0");
        assertEquals(-0.0, parsed.get("b"), "-0.0 stays a negative zero double (equal to 0 in conditions)");
        assertEquals(0.0, parsed.get("c"), "a decimal below the smallest double rounds to 0, as any decimal rounds");
        assertEquals(Long.MAX_VALUE, parsed.get("d"));
        assertEquals(Long.MIN_VALUE, parsed.get("e"));
        for (String notJson : List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.")) {
            JsonProcessingException refused = assertThrows(JsonProcessingException.class,
                    () -> JsonTree.parse("{\"a\":" + notJson + "}"), notJson);
            assertTrue(!(refused instanceof JsonTree.UnusableValue), notJson + " is not JSON at all");
            assertTrue(!JsonTree.reason(refused).contains("enable `"), "no Jackson feature hint: "
                    + JsonTree.reason(refused));
        }
        assertEquals("Unexpected end-of-input: expected close marker for Object (opened at column 1)",
                JsonTree.reason(assertThrows(JsonProcessingException.class, () -> JsonTree.parse("{"))));
        assertEquals("Document nesting depth (1001) exceeds the maximum allowed (1000)",
                JsonTree.reason(assertThrows(JsonProcessingException.class,
                        () -> JsonTree.parse("[".repeat(1001) + "]".repeat(1001)))));
        assertEquals(1000, depth(JsonTree.parse("[".repeat(1000) + "]".repeat(1000))), "1,000 levels are read");
    }

    @Test
    void inputEventsNestAtMostAHundredLevels() throws Exception {
        String deepest = "{\"a\":" + "[".repeat(99) + "]".repeat(99) + "}";
        assertEquals(99, depth(((Map<?, ?>) JsonTree.parseInput(deepest, 100)).get("a")), "100 levels with the event");
        assertEquals(99, depth(((Map<?, ?>) ((List<?>) JsonTree.parseInput("[" + deepest + "]", 100)).get(0))
                .get("a")), "the same event in an array of events");
        String tooDeep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
        JsonProcessingException refused = assertThrows(JsonTree.UnusableValue.class,
                () -> JsonTree.parseInput(tooDeep, 100));
        assertEquals("field 'a[0][0]...': objects and arrays nest deeper than the 100 levels an event may have",
                refused.getOriginalMessage());
        assertThrows(JsonTree.UnusableValue.class, () -> JsonTree.parseInput("[1, " + tooDeep + "]", 100));
        assertEquals(100, depth(JsonTree.parse("[".repeat(100) + "]".repeat(100))), "other JSON: Jackson's limit");
    }

    private static int depth(Object value) {
        int depth = 0;
        for (Object at = value; at instanceof List<?> list; at = list.isEmpty() ? null : list.get(0)) {
            depth++;
        }
        return depth;
    }

    private static String refusal(String json) {
        JsonProcessingException refused = assertThrows(JsonTree.UnusableValue.class, () -> JsonTree.parse(json));
        return refused.getOriginalMessage();
    }

    private static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 5 : 7);
        switch (kind) {
            case 0:
                return random.nextLong();
            case 1:
                return random.nextDouble() * 1e6;
            case 2:
                return "s" + random.nextInt(1000) + (random.nextBoolean() ? "\u00e9\t" : "");
            case 3:
                return random.nextBoolean();
            case 4:
                return null;
            case 5: {
                Map<String, Object> object = new java.util.LinkedHashMap<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.put("k" + random.nextInt(10), randomValue(random, depth + 1));
                }
                return object;
            }
            default: {
                List<Object> array = new java.util.ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                return array;
            }
        }
    }
}

package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact event form: a read-only map with the Map contract, and rules read it as they read any map. */
class EventFieldsTest {
    private static final FieldNames NAMES = FieldNames.of("key", "type", "value", "note");

    @Test
    void readsFieldsByNameWhateverStringInstanceAsks() {
        EventFields fields = NAMES.fields("k1", "A", 7L, null);
        assertEquals("A", fields.get("type"));
        assertEquals(7L, fields.get(new String("value")));   // not the interned instance: found by equals
        assertNull(fields.get("note"));
        assertTrue(fields.containsKey("note"), "a null value is a field that is present");
        assertFalse(fields.containsKey("amount"));
        assertNull(fields.get("amount"));
        assertNull(fields.get(42));
        assertEquals(4, fields.size());
    }

    @Test
    void isEqualToAnyMapWithTheSameMappingsAndIteratesInNameOrder() {
        EventFields fields = NAMES.fields("k1", "A", 7L, null);
        Map<String, Object> same = new HashMap<>();
        same.put("note", null);
        same.put("value", 7L);
        same.put("type", "A");
        same.put("key", "k1");
        assertEquals(same, fields);
        assertEquals(fields, same);
        assertEquals(same.hashCode(), fields.hashCode());
        assertEquals(List.of("key", "type", "value", "note"), new ArrayList<>(fields.keySet()));
        assertEquals(new LinkedHashMap<>(fields).toString(), fields.toString());
    }

    @Test
    void cannotBeChanged() {
        EventFields fields = NAMES.fields("k1", "A", 7L, null);
        assertThrows(UnsupportedOperationException.class, () -> fields.put("type", "B"));
        assertThrows(UnsupportedOperationException.class, () -> fields.remove("type"));
        assertThrows(UnsupportedOperationException.class, () -> fields.entrySet().iterator().next().setValue("x"));
    }

    @Test
    void rejectsNamesTwiceAndValuesOfAnotherCount() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> FieldNames.of("key", "type", "key"));
        assertEquals("field name 'key' twice", twice.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> NAMES.fields("k1", "A"));
        assertEquals("2 values for 4 field names [key, type, value, note]", count.getMessage());
    }

    @Test
    void aRuleMatchesTheSameOverCompactFieldsAsOverHashMaps() {
        String rule = """
                RULE rising FROM events PARTITION BY key
                  PATTERN a -> b -> c WITHIN 10 SECONDS
                  DEFINE a AS type = 'A', b AS type = 'B' AND value > a.value, c AS type = 'C'
                  EMIT first = a.value, last = c.value, total = sum(b.value)
                  AFTER MATCH SKIP NO SKIP
                """;
        List<String> compact = run(rule, true);
        List<String> hashed = run(rule, false);
        assertFalse(hashed.isEmpty(), "the input has matches");
        assertEquals(hashed, compact);
    }

    private static List<String> run(String text, boolean compact) {
        String[] keys = {"k1", "k2", "k1", "k1", "k2", "k2", "k1", "k2", "k1"};
        String[] types = {"A", "A", "B", "B", "B", "C", "C", "E", "C"};
        long[] values = {1, 5, 3, 0, 4, 9, 2, 1, 8};
        CompileResult compiled = RuleCompiler.compile("rising.cep", text);
        assertTrue(compiled.ok(), () -> compiled.diagnostics().toString());
        List<String> alerts = new ArrayList<>();
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                StringBuilder line = new StringBuilder(alert.id()).append(' ').append(alert.fields());
                alert.events().forEach((variable, events) -> events.forEach(
                        event -> line.append(' ').append(variable).append('#').append(event.sequence())));
                alerts.add(line.toString());
            }

            @Override
            public void onLateEvent(LateEvent late) {
                alerts.add("late " + late);
            }
        };
        try (Engine engine = new Engine(compiled.rules(), EngineConfig.defaults(), listener)) {
            for (int i = 0; i < types.length; i++) {
                Map<String, Object> fields = compact ? NAMES.fields(keys[i], types[i], values[i], null)
                        : hashMap(keys[i], types[i], values[i]);
                engine.offer(new Event("events", 1_000L + i * 100L, i, fields));
            }
            engine.finish();
        }
        return alerts;
    }

    private static Map<String, Object> hashMap(String key, String type, long value) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", value);
        fields.put("note", null);
        return fields;
    }
}

package dev.vigil.nfa.differential;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated input event of a differential case. Flink CEP receives it as is (a record is a Flink
 * POJO since 1.19); Vigil receives {@link #fields()} on stream {@code events}. The {@code id} is unique
 * within a case and is what both outputs are compared by.
 */
public record CaseEvent(String key, String type, int value, int id, long ts) {

    /** The fields as a JSON source would send them; numbers are Longs, as the NDJSON reader produces. */
    Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", (long) value);
        fields.put("id", (long) id);
        fields.put("ts", ts);
        return fields;
    }

    @Override
    public String toString() {
        return "#" + id + " " + key + " " + type + value + " @" + ts;
    }
}

package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code STREAM payments (card_id STRING, amount DOUBLE, ts TIMESTAMP) EVENT TIME ts WATERMARK DELAY 5 SECONDS}.
 *
 * @param eventTimeField the field holding the event time, or {@code null} for the event's own {@code ts}
 * @param watermarkDelayMs the declared watermark delay in milliseconds, or -1 when not declared
 */
public record StreamDecl(String name, List<FieldDecl> fields, FieldPath eventTimeField, long watermarkDelayMs,
        Span span) {
    public StreamDecl {
        fields = List.copyOf(fields);
    }

    /**
     * The first way this declaration ("here") differs from {@code other} ("there") as events see it, in words, or
     * null when they agree: the event time field, then the fields and their types. The watermark delay does not
     * count (where two declarations meet, the largest applies).
     */
    public String differenceFrom(StreamDecl other) {
        String hereTime = eventTime();
        String thereTime = other.eventTime();
        if (!hereTime.equals(thereTime)) {
            return "its event time field is '" + hereTime + "' here, '" + thereTime + "' there";
        }
        Map<String, FieldType> here = typesByPath();
        Map<String, FieldType> there = other.typesByPath();
        for (Map.Entry<String, FieldType> field : here.entrySet()) {
            FieldType type = there.get(field.getKey());
            if (type == null) {
                return "field '" + field.getKey() + "' " + field.getValue() + " is declared here, not there";
            }
            if (type != field.getValue()) {
                return "field '" + field.getKey() + "' is " + field.getValue() + " here, " + type + " there";
            }
        }
        for (Map.Entry<String, FieldType> field : there.entrySet()) {
            if (!here.containsKey(field.getKey())) {
                return "field '" + field.getKey() + "' " + field.getValue() + " is declared there, not here";
            }
        }
        return null;
    }

    private String eventTime() {
        return eventTimeField == null ? "ts" : eventTimeField.dotted();
    }

    private Map<String, FieldType> typesByPath() {
        Map<String, FieldType> types = new LinkedHashMap<>();
        for (FieldDecl field : fields) {
            types.put(field.path().dotted(), field.type());
        }
        return types;
    }
}

package dev.vigil.server;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldType;
import dev.vigil.dsl.ast.StreamDecl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code STREAM} declaration that contradicts the one in force for the same stream: other fields, other field
 * types or another event time field. Events of a stream are decoded against one declaration, so the server
 * refuses the second instead of letting the latest silently win (which left the rules of the first unable to
 * match: their events were refused for lacking the other's event time field). The watermark delay may differ:
 * the largest applies.
 *
 * @param declared the declaration being deployed
 * @param inForce the declaration in force
 * @param origin where {@code inForce} was deployed from: a rule file, or {@link RulesApi#REQUEST_FILE}
 * @param holders the running rules deployed with {@code inForce}, other than those the deployment replaces
 * @param difference the first way they differ, in words
 */
record StreamConflict(StreamDecl declared, StreamDecl inForce, String origin, List<String> holders,
        String difference) {
    StreamConflict {
        holders = List.copyOf(holders);
    }

    /** The first way {@code declared} ("here") differs from {@code inForce} ("there"), or null when they agree. */
    static String difference(StreamDecl declared, StreamDecl inForce) {
        String hereTime = eventTime(declared);
        String thereTime = eventTime(inForce);
        if (!hereTime.equals(thereTime)) {
            return "its event time field is '" + hereTime + "' here, '" + thereTime + "' there";
        }
        Map<String, FieldType> here = fields(declared);
        Map<String, FieldType> there = fields(inForce);
        for (Map.Entry<String, FieldType> field : here.entrySet()) {
            FieldType other = there.get(field.getKey());
            if (other == null) {
                return "field '" + field.getKey() + "' " + field.getValue() + " is declared here, not there";
            }
            if (other != field.getValue()) {
                return "field '" + field.getKey() + "' is " + field.getValue() + " here, " + other + " there";
            }
        }
        for (Map.Entry<String, FieldType> field : there.entrySet()) {
            if (!here.containsKey(field.getKey())) {
                return "field '" + field.getKey() + "' " + field.getValue() + " is declared there, not here";
            }
        }
        return null;
    }

    /** What the author is told: the stream, where it is declared otherwise, by which rules, and how it differs. */
    String message() {
        String where = origin.equals(RulesApi.REQUEST_FILE) ? "over HTTP" : "in " + origin + ":" + inForce.span();
        return "stream '" + declared.name() + "' is already declared differently " + where + ", with the running "
                + (holders.size() == 1 ? "rule " : "rules ") + String.join(", ", holders) + ": " + difference
                + "; declare it the same way, or name the stream differently";
    }

    /** The conflict as a diagnostic at the declaration in {@code file}, whose text is {@code text}. */
    Diagnostic diagnostic(String file, String text) {
        String line = text.lines().skip(declared.span().line() - 1).findFirst().orElse(null);
        return new Diagnostic(file, declared.span(), message(), line);
    }

    private static String eventTime(StreamDecl stream) {
        return stream.eventTimeField() == null ? "ts" : stream.eventTimeField().dotted();
    }

    private static Map<String, FieldType> fields(StreamDecl stream) {
        Map<String, FieldType> fields = new LinkedHashMap<>();
        for (FieldDecl field : stream.fields()) {
            fields.put(field.path().dotted(), field.type());
        }
        return fields;
    }
}

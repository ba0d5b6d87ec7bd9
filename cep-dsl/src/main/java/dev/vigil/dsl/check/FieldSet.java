package dev.vigil.dsl.check;

import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.StreamDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared fields an expression may read from one event: those of one stream, or of several when the
 * event may come from any of a rule's streams (then a field exists if any stream declares it, and its type
 * is known only when they agree). Built-ins {@code ts} (TIMESTAMP) and {@code stream} (STRING) always exist.
 * A prefix of a declared nested field ({@code device} of {@code device.os}) is an object of unknown type.
 */
final class FieldSet {
    private final List<String> streams;
    private final Map<String, Type> declared = new LinkedHashMap<>();
    private final Map<String, Type> visible = new LinkedHashMap<>();

    private FieldSet(List<StreamDecl> decls) {
        this.streams = new ArrayList<>();
        Map<String, Integer> seenIn = new LinkedHashMap<>();
        for (StreamDecl decl : decls) {
            streams.add(decl.name());
            for (FieldDecl field : decl.fields()) {
                String path = field.path().dotted();
                Type type = Type.of(field.type());
                declared.merge(path, type, (a, b) -> a == b ? a : Type.UNKNOWN);
                seenIn.merge(path, 1, Integer::sum);
                List<String> segments = field.path().segments();
                for (int i = 1; i < segments.size(); i++) {
                    visible.putIfAbsent(String.join(".", segments.subList(0, i)), Type.UNKNOWN);
                }
            }
        }
        visible.putAll(declared);
        visible.putIfAbsent("ts", Type.TIMESTAMP);
        visible.putIfAbsent("stream", Type.STRING);
    }

    static FieldSet of(List<StreamDecl> streams) {
        return new FieldSet(streams);
    }

    static FieldSet of(StreamDecl stream) {
        return new FieldSet(List.of(stream));
    }

    /** The type of the (dotted) field, or {@code null} when no stream declares it. */
    Type lookup(String dotted) {
        return visible.get(dotted);
    }

    /** Declared field paths, in declaration order. */
    List<String> names() {
        return new ArrayList<>(declared.keySet());
    }

    /** "fields of payments are card_id, amount and ts" — for "unknown field" messages. */
    String describe() {
        String owner = Suggestions.list(streams, "and");
        if (declared.isEmpty()) {
            return "stream " + owner + " declares no fields";
        }
        return "fields of " + owner + " are " + Suggestions.list(names(), "and");
    }
}

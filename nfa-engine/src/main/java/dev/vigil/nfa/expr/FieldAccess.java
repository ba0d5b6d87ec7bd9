package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;
import java.util.List;

/**
 * Reads one field of an event, chosen at compile time: the event time ({@code ts}), the stream name
 * ({@code stream}), a top-level field, or a nested one ({@code device.os}). Shared by references to the
 * current event and by the aggregates over a variable's events, so both resolve names the same way.
 */
abstract class FieldAccess {
    private final String path;

    private FieldAccess(String path) {
        this.path = path;
    }

    /** The accessor for a dotted path; {@code ts} and {@code stream} are the event's own time and stream. */
    static FieldAccess of(List<String> path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("a field path needs at least one segment");
        }
        if (path.size() == 1) {
            String name = path.get(0);
            if (name.equals("ts")) {
                return new Timestamp();
            }
            if (name.equals("stream")) {
                return new StreamName();
            }
            return new TopLevel(name);
        }
        return new Nested(path);
    }

    /** The field's normalised value, or null when the event lacks it. */
    abstract Object read(Event event);

    /** The field's name when it is a top-level field of the event (not ts, stream or a path), interned; else null. */
    String topLevelName() {
        return null;
    }

    @Override
    public final String toString() {
        return path;
    }

    private static final class Timestamp extends FieldAccess {
        Timestamp() {
            super("ts");
        }

        @Override
        Object read(Event event) {
            return event.timestamp();
        }
    }

    private static final class StreamName extends FieldAccess {
        StreamName() {
            super("stream");
        }

        @Override
        Object read(Event event) {
            return event.stream();
        }
    }

    private static final class TopLevel extends FieldAccess {
        private final String name;

        TopLevel(String name) {
            super(name);
            this.name = name.intern();   // JSON parsers intern field names: the map's key compare is then ==
        }

        @Override
        Object read(Event event) {
            return Values.normalize(event.field(name));
        }

        @Override
        String topLevelName() {
            return name;
        }
    }

    private static final class Nested extends FieldAccess {
        private final List<String> path;

        Nested(List<String> path) {
            super(String.join(".", path));
            this.path = path.stream().map(String::intern).toList();
        }

        @Override
        Object read(Event event) {
            return Values.normalize(event.field(path));
        }
    }
}

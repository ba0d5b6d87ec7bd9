package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.List;

/** A dotted path such as {@code device.os}: one or more identifier segments. */
public record FieldPath(List<String> segments, Span span) {
    public FieldPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a field path needs at least one segment");
        }
    }

    public String dotted() {
        return String.join(".", segments);
    }

    @Override
    public String toString() {
        return dotted();
    }
}

package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;

/** A time bound of a rule, in milliseconds (always positive). */
public record Window(long millis, Span span) {
    public Window {
        if (millis <= 0) {
            throw new IllegalArgumentException("window " + millis + " ms is not positive");
        }
    }
}

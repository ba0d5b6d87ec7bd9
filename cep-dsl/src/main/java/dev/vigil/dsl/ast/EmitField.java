package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;

/** {@code name = expression} in an {@code EMIT} clause. */
public record EmitField(String name, Expr expression, Span span) {}

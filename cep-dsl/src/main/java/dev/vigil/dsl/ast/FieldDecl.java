package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;

/** One typed field of a stream declaration; nested fields are declared by their dotted path. */
public record FieldDecl(FieldPath path, FieldType type, Span span) {}

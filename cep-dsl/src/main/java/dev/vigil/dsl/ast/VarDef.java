package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;

/**
 * {@code DEFINE name AS [stream(] condition [)] [UNTIL condition]}.
 *
 * @param stream the stream the variable is bound to ({@code big AS payments(amount > 500)}), or
 *     {@code null} for any stream the rule reads
 * @param condition the condition an event must meet; {@code null} means always true
 * @param until the loop-termination condition, or {@code null}
 */
public record VarDef(String name, String stream, Expr condition, Expr until, Span span) {}

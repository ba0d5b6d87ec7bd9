/**
 * The abstract syntax of rule files: immutable records produced by {@code dev.vigil.dsl.RuleParser}
 * from text and consumed by the engine's compiler. Every node carries the {@link dev.vigil.dsl.Span}
 * it was written at. Nothing here is resolved or evaluated; that is the engine's job.
 */
package dev.vigil.dsl.ast;

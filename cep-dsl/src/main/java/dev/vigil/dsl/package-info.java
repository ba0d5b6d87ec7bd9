/**
 * The rule language front end: {@link dev.vigil.dsl.RuleParser} turns rule text into a checked
 * {@link dev.vigil.dsl.ast.RuleFile} or a list of {@link dev.vigil.dsl.Diagnostic}s, and
 * {@link dev.vigil.dsl.RulePrinter} turns an AST back into canonical text. {@link dev.vigil.dsl.Functions} is the
 * catalogue of built-in functions shared with the engine. {@link dev.vigil.dsl.Diagnostics} collects positioned
 * diagnostics and {@link dev.vigil.dsl.Suggestions} words "did you mean" hints, for every pass and for hosts that
 * check more (the engine's compile bounds, the server's sink names).
 *
 * <p>First stage of the pipeline (text → AST → program → matches); the engine's compiler consumes the AST.
 * Everything here is stateless or immutable and safe to call from any thread.
 */
package dev.vigil.dsl;

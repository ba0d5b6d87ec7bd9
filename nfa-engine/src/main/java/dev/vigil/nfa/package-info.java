/**
 * The engine's public surface: {@link dev.vigil.nfa.RuleCompiler} turns rule text into
 * {@link dev.vigil.nfa.CompiledRule}s, {@link dev.vigil.nfa.Engine} runs them over {@link dev.vigil.nfa.Event}s
 * and reports {@link dev.vigil.nfa.Alert}s and {@link dev.vigil.nfa.LateEvent}s to an
 * {@link dev.vigil.nfa.EngineListener}. Pipeline: text → AST (cep-dsl) → conditions ({@code expr}) →
 * NFA ({@code compile}, {@code program}) → per-key matching ({@code match}) → event-time runtime ({@code runtime}).
 * Nothing here reads a clock, takes a lock or depends on the server.
 */
package dev.vigil.nfa;

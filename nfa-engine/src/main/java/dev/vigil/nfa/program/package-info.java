/**
 * The compiled form of a rule's pattern: {@link dev.vigil.nfa.program.Nfa}, an immutable automaton with the
 * states, edges and windows of Flink CEP 1.20's NFA, plus the {@link dev.vigil.nfa.program.Guard} conditions
 * on its edges and the variable numbering ({@link dev.vigil.nfa.program.PatternVariables}).
 *
 * <p>Pipeline position: built by {@code dev.vigil.nfa.compile.NfaCompiler}, run by
 * {@code dev.vigil.nfa.match.Matcher}, printed by {@code vigil explain}. Threading: immutable, shared by every
 * key and thread (conditions must be thread-safe).
 */
package dev.vigil.nfa.program;

/**
 * Pattern AST to {@link dev.vigil.nfa.program.Nfa}: {@link dev.vigil.nfa.compile.NfaCompiler#compile} maps the
 * AST to the equivalent Flink CEP Pattern API chain and builds the state graph Flink's NFACompiler would build
 * for it, rejecting shapes Flink refuses with an {@link java.lang.IllegalArgumentException}.
 *
 * <p>Pipeline position: after the rule checker (which reports rule-author mistakes with positions), before the
 * matcher. Called once per rule version by the rule compiler; compile time only, single-threaded, allocation is
 * fine.
 */
package dev.vigil.nfa.compile;

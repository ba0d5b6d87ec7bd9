/**
 * The randomized differential test of Vigil against Apache Flink CEP 1.20, the reference for what every
 * pattern construct means.
 *
 * <p>A case is a random rule and a small keyed event stream ({@link dev.vigil.nfa.differential.CaseGenerator}).
 * The rule is built as Vigil's AST, with conditions from a menu whose every entry has a rule-language face and
 * an equivalent Java face ({@link dev.vigil.nfa.differential.CaseCondition}). Flink runs it through its real
 * {@code CepOperator} in event time ({@link dev.vigil.nfa.differential.FlinkCep}, Pattern API calls by
 * {@link dev.vigil.nfa.differential.FlinkPatterns}); Vigil runs the printed rule text through its parser,
 * compiler and {@code Engine} ({@link dev.vigil.nfa.differential.VigilCep}). Matches, timed-out partial
 * matches and late events are compared per key ({@link dev.vigil.nfa.differential.Outcome}) by
 * {@link dev.vigil.nfa.differential.DifferentialRun}; only the differences docs/semantics.md documents are
 * tolerated ({@link dev.vigil.nfa.differential.DocumentedDifference}).
 *
 * <p>Run it: {@code mvn -o -q -B -pl nfa-engine -am test -Dtest=DifferentialTest
 * -Dsurefire.failIfNoSpecifiedTests=false}, with {@code -Dvigil.diff.seed=S} to rerun one case,
 * {@code -Dvigil.diff.cases=100000} and {@code -Dvigil.diff.baseSeed=random} to soak. The focused classes
 * beside it ({@code GroupEndingInNegationTest}, {@code TrailingAbsenceWithGapWindowTest}, ...) each pin one
 * difference it found, on a minimal example run through both ({@link dev.vigil.nfa.differential.SideBySide}).
 *
 * <p>Single-threaded test code; Flink and its test harness are test-scope dependencies only.
 */
package dev.vigil.nfa.differential;

/**
 * The expression language at run time: {@link dev.vigil.nfa.expr.ExpressionCompiler} turns the checked
 * {@code Expr} trees of a rule ({@code DEFINE} and {@code UNTIL} conditions, {@code EMIT} values) into
 * {@link dev.vigil.nfa.expr.Condition}s and {@link dev.vigil.nfa.expr.ValueExpression}s, trees of small
 * immutable nodes.
 *
 * <p>Place in the pipeline: the rule compiler calls {@code ExpressionCompiler} once per expression, with
 * the pattern's variables in their {@link dev.vigil.nfa.expr.MatchView} numbering; the matcher then
 * evaluates the results per event against the event and the partial match it would extend, and the
 * alert builder evaluates the EMIT values against the whole match.
 *
 * <p>Semantics, in one place: values are null, Long, Double, String, Boolean, or nested Maps and Lists
 * from the event (other numbers are normalised to Long or Double when read). A missing field is null.
 * Arithmetic on null or non-numbers is null; a comparison with null or across kinds is false, for every
 * operator including {@code <>}, so {@code NOT (x > 1)} is true when x is missing. Conditions are
 * two-valued: only Boolean.TRUE passes. Nothing here throws on data.
 *
 * <p>Threading: compiled expressions are immutable and shared by every key and thread; evaluation
 * allocates nothing but boxed results (and the strings that string functions build).
 */
package dev.vigil.nfa.expr;

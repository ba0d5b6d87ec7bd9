/**
 * Semantic checks of a parsed rule file: names (variables, fields, functions, streams), types of
 * expressions when streams are declared, and the pattern shapes Flink CEP 1.20 accepts. Entry point:
 * {@link dev.vigil.dsl.check.Checker#check}, called by {@code RuleParser} after the syntax pass; findings go to
 * a {@link dev.vigil.dsl.Diagnostics}. One checker per parse; nothing is shared between threads.
 */
package dev.vigil.dsl.check;

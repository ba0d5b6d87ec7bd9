/**
 * Text to unchecked AST: the ANTLR listener that rewrites syntax errors into plain words
 * ({@code SyntaxErrors}), the builders that turn parse trees into AST records ({@code AstBuilder},
 * {@code PatternBuilder}, {@code ExprBuilder}); each reports into a {@link dev.vigil.dsl.Diagnostics}. Entry
 * point: {@link dev.vigil.dsl.parse.SyntaxReader#read}, called by {@code RuleParser}. One instance of each class
 * per parse; nothing is shared between threads.
 */
package dev.vigil.dsl.parse;

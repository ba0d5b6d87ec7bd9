/**
 * The rule language: rule text to a checked AST ({@link dev.vigil.dsl.RuleParser}) and back
 * ({@link dev.vigil.dsl.RulePrinter}), with positioned diagnostics. Exports the API, the AST and the rule tests a
 * file holds ({@link dev.vigil.dsl.ruletest.TestBlocks}); the grammar, the
 * parser's builders and the checker are internal.
 */
@SuppressWarnings("requires-automatic")   // ANTLR 4.13 names its module in its manifest only
module dev.vigil.dsl {
    requires org.antlr.antlr4.runtime;

    exports dev.vigil.dsl;
    exports dev.vigil.dsl.ast;
    exports dev.vigil.dsl.ruletest;
}

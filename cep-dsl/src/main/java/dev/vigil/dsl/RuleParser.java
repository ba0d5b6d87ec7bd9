package dev.vigil.dsl;

import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.check.Checker;
import dev.vigil.dsl.parse.SqlReader;
import dev.vigil.dsl.parse.SyntaxReader;
import dev.vigil.dsl.ruletest.TestBlocks;
import java.util.List;
import java.util.Locale;

/**
 * Entry point of the rule language: rule text in, checked AST or every diagnostic out.
 *
 * <pre>{@code
 * ParseResult result = RuleParser.parse("fraud.cep", text);
 * if (!result.ok()) result.diagnostics().forEach(d -> System.err.println(d.render()));
 * RuleFile rules = result.orThrow();
 * }</pre>
 *
 * <p>A file whose name ends in {@code .sql} is read by {@link SqlReader} (SQL's MATCH_RECOGNIZE, as Flink SQL
 * writes it) into the same AST; everything after reading is the same for both.
 *
 * <p>Two passes: {@link SyntaxReader} lexes, parses and builds the AST of every statement that is free of
 * syntax errors, then {@link Checker} resolves names and types and applies Flink CEP's pattern rules. Both
 * report into one {@link Diagnostics}, so a file with a syntax error in one rule still gets semantic
 * diagnostics for the others. Rule tests ({@code TEST ... GIVEN ... EXPECT}) are cut out of the text first by
 * {@link TestBlocks}, which reports malformed ones; the tests themselves run in the host. Never throws for bad
 * input. <b>Thread-safe:</b> no shared state.
 */
public final class RuleParser {
    private RuleParser() {}

    /** Whether {@code fileName} names a rule file: {@code .cep} (the rule language) or {@code .sql} (MATCH_RECOGNIZE). */
    public static boolean isRuleFile(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".cep") || lower.endsWith(".sql");
    }

    /** Whether {@code fileName} names a {@code .sql} file: MATCH_RECOGNIZE text rather than the rule language. */
    public static boolean isSql(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".sql");
    }

    /**
     * Parses and checks under {@link ParseLimits#DEFAULTS}.
     *
     * @param fileName how diagnostics name the file (for example {@code fraud.cep})
     * @param text the whole rule file
     */
    public static ParseResult parse(String fileName, String text) {
        return parse(fileName, text, ParseLimits.DEFAULTS);
    }

    /** As {@link #parse(String, String)}, with text beyond {@code limits} refused by a diagnostic naming the limit. */
    public static ParseResult parse(String fileName, String text, ParseLimits limits) {
        return parse(fileName, text, limits, List.of());
    }

    /**
     * As {@link #parse(String, String, ParseLimits)}, checking the rules' streams that the text does not declare
     * against {@code known} declarations (a server's: those of its running rules), as if the text declared them.
     */
    public static ParseResult parse(String fileName, String text, ParseLimits limits, List<StreamDecl> known) {
        Diagnostics diagnostics = new Diagnostics(fileName, text);
        // rule tests hold JSON, which neither grammar has tokens for: cut out, positions kept (TestBlocks)
        String rules = TestBlocks.read(text, diagnostics).ruleText();
        RuleFile file = isSql(fileName) ? SqlReader.read(fileName, rules, diagnostics, limits)
                : SyntaxReader.read(fileName, rules, diagnostics, limits);
        Checker.check(file, diagnostics, limits, known);
        if (diagnostics.isEmpty()) {
            return new ParseResult(file, List.of());
        }
        return new ParseResult(null, diagnostics.sorted());
    }
}

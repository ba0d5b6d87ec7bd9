package dev.vigil.dsl;

import dev.vigil.dsl.ast.RuleFile;
import java.util.List;

/**
 * The outcome of reading one rule file: the checked AST when the text has no mistakes, otherwise every
 * diagnostic found (syntax and semantic), in source order.
 *
 * @param file the AST, or {@code null} when {@code diagnostics} is not empty
 */
public record ParseResult(RuleFile file, List<Diagnostic> diagnostics) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
        if ((file == null) == diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a parse result has either a file or diagnostics");
        }
    }

    public boolean ok() {
        return diagnostics.isEmpty();
    }

    /** The AST, or a {@link RuleSyntaxException} carrying the diagnostics. */
    public RuleFile orThrow() {
        if (!ok()) {
            throw new RuleSyntaxException(diagnostics);
        }
        return file;
    }
}

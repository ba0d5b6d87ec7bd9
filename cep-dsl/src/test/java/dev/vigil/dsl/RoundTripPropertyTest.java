package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.parse.SyntaxReader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Property: printing any AST and reading the text back gives the same AST (up to spans), and printing is
 * stable. Random trees come from {@link RandomAst}; they need not pass the checker, so only the syntax pass
 * reads them back. A failure names the seed so it can be replayed.
 */
class RoundTripPropertyTest {
    private static final int CASES = 2_000;

    @Test
    void everyRandomAstPrintsToTextThatReadsBackToTheSameAst() {
        for (long seed = 0; seed < CASES; seed++) {
            RuleFile original = new RandomAst(seed).file();
            String text = RulePrinter.print(original);
            Diagnostics diagnostics = new Diagnostics("random.cep", text);
            RuleFile reread = SyntaxReader.read("random.cep", text, diagnostics, ParseLimits.DEFAULTS);
            long failingSeed = seed;
            assertTrue(diagnostics.isEmpty(), () -> "seed " + failingSeed + " printed text that does not read:\n"
                    + text + "\n" + diagnostics.sorted().stream().map(Diagnostic::render)
                    .collect(Collectors.joining("\n")));
            assertEquals(AstDump.of(original), AstDump.of(reread), () -> "seed " + failingSeed + ":\n" + text);
            assertEquals(text, RulePrinter.print(reread), () -> "seed " + failingSeed + ": printing is not stable");
        }
    }
}

package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/rule-language.md honest: every ```cep block must compile without diagnostics (and print back to
 * the same AST), every ```cep-error block must produce at least one diagnostic.
 */
class DocExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "rule-language.md");

    record Block(String kind, int line, String text) {}

    @Test
    void everyExampleInTheLanguageGuideCompiles() throws IOException {
        List<Block> examples = blocks("cep");
        assertTrue(examples.size() >= 20, "expected the guide to have examples, found " + examples.size());
        for (Block block : examples) {
            ParseResult result = RuleParser.parse("rule-language.md:" + block.line(), block.text());
            assertTrue(result.ok(), () -> "example at line " + block.line() + " does not compile:\n"
                    + result.diagnostics().stream().map(Diagnostic::render).collect(Collectors.joining("\n")));
            String printed = RulePrinter.print(result.file());
            assertEquals(AstDump.of(result.file()), AstDump.of(RuleParser.parse("printed", printed).orThrow()),
                    () -> "example at line " + block.line() + " does not print back");
        }
    }

    @Test
    void everyErrorExampleInTheLanguageGuideIsRejected() throws IOException {
        List<Block> examples = blocks("cep-error");
        assertFalse(examples.isEmpty(), "expected cep-error examples in the guide");
        for (Block block : examples) {
            ParseResult result = RuleParser.parse("rule-language.md", block.text());
            assertFalse(result.ok(), () -> "error example at line " + block.line() + " compiles, but should not");
        }
    }

    /** The fenced blocks whose info string is exactly {@code kind}, with the line of their first text line. */
    static List<Block> blocks(String kind) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```" + kind)) {
                continue;
            }
            int start = i + 1;
            StringBuilder text = new StringBuilder();
            for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            out.add(new Block(kind, start + 1, text.toString()));
        }
        return out;
    }
}

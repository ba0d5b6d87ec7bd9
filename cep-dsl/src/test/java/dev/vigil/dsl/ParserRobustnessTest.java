package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.parse.Keywords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code RuleParser.parse} never throws for bad input and always points its diagnostics inside the text.
 * Inputs are random token soup and random edits of the guide's valid examples; whenever an edited example
 * still compiles, its canonical text must compile to the same AST. A failure names the seed.
 */
class ParserRobustnessTest {
    private static final String[] PIECES = {"(", ")", "{", "}", ",", ";", ".", "->", "->>", "!", "?", "+", "*",
        "-", "/", "%", "=", "==", "<>", "!=", "<", "<=", ">", ">=", "a", "b", "x.y", "probe", "`q`", "`", "0", "3",
        "2.5", "1e9", "10s", "10min", "'s'", "'open", "/*", "*/", "--", "#", "@", "\n", "\t", "é",
        "99999999999999999999"};

    @Test
    void randomTokenSoupNeverThrows() {
        List<String> words = new ArrayList<>(Keywords.all());
        for (long seed = 0; seed < 3_000; seed++) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                boolean keyword = random.nextInt(3) == 0;
                text.append(keyword ? words.get(random.nextInt(words.size())) : PIECES[random.nextInt(PIECES.length)]);
                text.append(random.nextInt(4) == 0 ? "" : " ");
            }
            check(seed, text.toString());
        }
    }

    @Test
    void randomEditsOfValidRulesNeverThrowAndWhatStillCompilesPrintsBack() throws IOException {
        List<DocExamplesTest.Block> examples = DocExamplesTest.blocks("cep");
        for (long seed = 0; seed < 3_000; seed++) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder(examples.get(random.nextInt(examples.size())).text());
            for (int edits = 1 + random.nextInt(3); edits > 0 && text.length() > 0; edits--) {
                int at = random.nextInt(text.length());
                int length = Math.min(text.length() - at, 1 + random.nextInt(8));
                switch (random.nextInt(3)) {
                    case 0 -> text.delete(at, at + length);
                    case 1 -> text.insert(at, text.substring(at, at + length));
                    default -> text.insert(at, " " + PIECES[random.nextInt(PIECES.length)] + " ");
                }
            }
            check(seed, text.toString());
        }
    }

    private static void check(long seed, String text) {
        ParseResult result;
        try {
            result = RuleParser.parse("fuzz.cep", text);
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + " threw on:\n" + text, e);
        }
        int lines = text.split("\n", -1).length;
        for (Diagnostic diagnostic : result.diagnostics()) {
            assertTrue(diagnostic.line() <= lines, () -> "seed " + seed + ": " + diagnostic.render());
            diagnostic.render();
        }
        if (result.ok()) {
            String printed = RulePrinter.print(result.file());
            ParseResult again = RuleParser.parse("printed.cep", printed);
            assertTrue(again.ok(), () -> "seed " + seed + ": canonical text does not compile:\n" + printed + "\n"
                    + again.diagnostics());
            assertEquals(AstDump.of(result.file()), AstDump.of(again.file()), () -> "seed " + seed + ":\n" + text);
        }
    }
}

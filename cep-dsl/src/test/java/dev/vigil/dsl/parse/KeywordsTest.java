package dev.vigil.dsl.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ParseResult;
import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import java.util.Locale;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/** The printer's idea of which keywords need backquotes must match what the grammar accepts as a name. */
class KeywordsTest {

    @Test
    void aKeywordIsReservedExactlyWhenTheGrammarRejectsItAsAName() {
        for (String word : Keywords.all()) {
            for (String spelling : new String[] {word, word.toLowerCase(Locale.ROOT)}) {
                assertEquals(!parsesAsName(spelling), Keywords.isReserved(spelling), spelling);
            }
        }
    }

    @Test
    void clauseKeywordsAndOperatorsAreReservedAndStreamIsNot() {
        assertTrue(Keywords.isReserved("from"));
        assertTrue(Keywords.isReserved("AND"));
        assertTrue(Keywords.isReserved("greedy"));
        assertEquals(false, Keywords.isReserved("stream"));
        assertEquals(false, Keywords.isReserved("first"));
        assertEquals(false, Keywords.isReserved("amount"));
    }

    @Test
    void everyKeywordCanBeAVariableAndAFieldNameAndPrintsBack() {
        for (String word : Keywords.all()) {
            String name = Keywords.quoteIfNeeded(word.toLowerCase(Locale.ROOT));
            String variable = Keywords.quoteVariableIfNeeded(word.toLowerCase(Locale.ROOT));
            String text = "RULE r FROM s PATTERN a -> " + variable + " DEFINE " + name + " AS " + name + "." + name
                    + " > a." + name;
            ParseResult result = RuleParser.parse("k.cep", text);
            assertTrue(result.ok(), () -> text + "\n" + result.diagnostics());
            String printed = RulePrinter.print(result.file());
            assertEquals(printed, RulePrinter.print(RuleParser.parse("k.cep", printed).orThrow()), printed);
        }
    }

    @Test
    void aPatternVariableNamedToIsBackquotedBecauseBareToStartsTheToClause() {
        assertEquals("`to`", Keywords.quoteVariableIfNeeded("to"));
        assertEquals("`TO`", Keywords.quoteVariableIfNeeded("TO"));
        assertEquals("to", Keywords.quoteIfNeeded("to"));
        assertEquals("first", Keywords.quoteVariableIfNeeded("first"));
        assertEquals("`from`", Keywords.quoteVariableIfNeeded("from"));
    }

    @Test
    void namesThatAreNotPlainIdentifiersAreBackquotedWithBackquotesDoubled() {
        assertEquals("amount", Keywords.quoteIfNeeded("amount"));
        assertEquals("`from`", Keywords.quoteIfNeeded("from"));
        assertEquals("`two words`", Keywords.quoteIfNeeded("two words"));
        assertEquals("`a``b`", Keywords.quoteIfNeeded("a`b"));
        assertEquals("`9lives`", Keywords.quoteIfNeeded("9lives"));
    }

    private static boolean parsesAsName(String word) {
        CepLexer lexer = new CepLexer(CharStreams.fromString(word));
        CepParser parser = new CepParser(new CommonTokenStream(lexer));
        boolean[] failed = {false};
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object symbol, int line, int column, String msg,
                    RecognitionException e) {
                failed[0] = true;
            }
        });
        parser.name();
        return !failed[0] && parser.getCurrentToken().getType() == Token.EOF;
    }
}

package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's error recovery, except that it never deletes or skips past a {@code ;}: after a syntax error the
 * parser resumes at the next statement, so one broken rule does not swallow the rules after it and their
 * mistakes are still reported. That holds for an error between statements too (a statement ended early, as by a
 * misspelt clause keyword: {@code FROM payments PARTITON BY k}): ANTLR would give up on the whole file there.
 */
final class StatementRecovery extends DefaultErrorStrategy {
    @Override
    protected Token singleTokenDeletion(Parser recognizer) {
        if (recognizer.getInputStream().LA(1) == CepLexer.SEMI) {
            return null;
        }
        return super.singleTokenDeletion(recognizer);
    }

    @Override
    protected void consumeUntil(Parser recognizer, IntervalSet set) {
        super.consumeUntil(recognizer, set.or(IntervalSet.of(CepLexer.SEMI)));
    }

    @Override
    public void sync(Parser recognizer) throws RecognitionException {
        try {
            super.sync(recognizer);
        } catch (InputMismatchException betweenStatements) {
            if (!(recognizer.getContext() instanceof CepParser.RuleFileContext)) {
                throw betweenStatements;
            }
            // where the file expects ';' or its end: report, skip to the next ';', and read on from there
            reportError(recognizer, betweenStatements);
            consumeUntil(recognizer, IntervalSet.of(CepLexer.SEMI));
        }
    }
}

package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepLexer;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's error recovery, except that it never deletes or skips past a {@code ;}: after a syntax error the
 * parser resumes at the next statement, so one broken rule does not swallow the rules after it and their
 * mistakes are still reported.
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
}

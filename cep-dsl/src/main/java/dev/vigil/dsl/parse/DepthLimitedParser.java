package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepParser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The generated parser with a bound on nesting, checked as it descends: ANTLR parses by recursive descent, so
 * about ten Java frames per level of parentheses, and deeply nested text would overflow the stack before any
 * check of the tree could run. Each construct through which the grammar recurses opens a level: a parenthesised
 * expression, a function call, an {@code IN (...)} list, {@code NOT}, unary minus and a pattern group. One level
 * more than the limit stops the parse with {@link TooDeep}, which names the token that opened it.
 *
 * <p>Chains of binary operators do not recurse here (the grammar reads them as lists); their depth as a tree is
 * bounded by the checker. <b>Not thread-safe:</b> one instance per parse, like any ANTLR parser.
 */
final class DepthLimitedParser extends CepParser {
    private final int maxDepth;
    private int depth;

    /** Thrown when the text nests more than the limit; the parse is abandoned. */
    static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Token opening;

        TooDeep(Token opening) {
            super("nesting deeper than the limit at " + opening.getLine() + ":" + opening.getCharPositionInLine(),
                    null, false, false);
            this.opening = opening;
        }
    }

    DepthLimitedParser(TokenStream input, int maxDepth) {
        super(input);
        this.maxDepth = maxDepth;
    }

    @Override
    public void enterOuterAlt(ParserRuleContext localctx, int altNum) {
        super.enterOuterAlt(localctx, altNum);
        if (opensLevel(localctx) && ++depth > maxDepth) {
            throw new TooDeep(localctx.getStart());
        }
    }

    @Override
    public void exitRule() {
        if (opensLevel(getContext())) {
            depth--;
        }
        super.exitRule();
    }

    @Override
    public void reset() {
        super.reset();
        depth = 0;
    }

    private static boolean opensLevel(ParserRuleContext ctx) {
        return ctx instanceof ParenPrimaryContext || ctx instanceof CallPrimaryContext || ctx instanceof InTailContext
                || ctx instanceof NegationContext || ctx instanceof NegateContext || ctx instanceof GroupElementContext;
    }
}

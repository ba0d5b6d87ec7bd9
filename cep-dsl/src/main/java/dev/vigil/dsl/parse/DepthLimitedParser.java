package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepParser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.TokenStream;

/**
 * The generated parser with a bound on nesting, checked as it descends: ANTLR parses by recursive descent, so
 * about ten Java frames per level of parentheses, and deeply nested text would overflow the stack before any
 * check of the tree could run. Each construct through which the grammar recurses opens a level: a parenthesised
 * expression, a function call, an {@code IN (...)} list, {@code NOT}, unary minus and a pattern group. One level
 * more than the limit stops the parse with {@link NestingBound.TooDeep}, which names the token that opened it.
 *
 * <p>Chains of binary operators do not recurse here (the grammar reads them as lists); their depth as a tree is
 * bounded by the checker. <b>Not thread-safe:</b> one instance per parse, like any ANTLR parser.
 */
final class DepthLimitedParser extends CepParser {
    private final NestingBound bound;

    DepthLimitedParser(TokenStream input, int maxDepth) {
        super(input);
        this.bound = new NestingBound(maxDepth, DepthLimitedParser::opensLevel);
    }

    @Override
    public void enterOuterAlt(ParserRuleContext localctx, int altNum) {
        super.enterOuterAlt(localctx, altNum);
        bound.enter(localctx);
    }

    @Override
    public void exitRule() {
        bound.exit(getContext());
        super.exitRule();
    }

    @Override
    public void reset() {
        super.reset();
        if (bound != null) {
            bound.reset();
        }
    }

    private static boolean opensLevel(ParserRuleContext ctx) {
        return ctx instanceof ParenPrimaryContext || ctx instanceof CallPrimaryContext || ctx instanceof InTailContext
                || ctx instanceof NegationContext || ctx instanceof NegateContext || ctx instanceof GroupElementContext;
    }
}

package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.MatchRecognizeParser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.TokenStream;

/**
 * The SQL front end's parser with the bound on nesting of {@link DepthLimitedParser}: each parenthesis inside an
 * expression or a connector option list and each pattern group or PERMUTE opens a level, so deeply nested text stops
 * the parse with {@link NestingBound.TooDeep} before it can overflow the stack.
 */
final class SqlDepthLimitedParser extends MatchRecognizeParser {
    private final NestingBound bound;

    SqlDepthLimitedParser(TokenStream input, int maxDepth) {
        super(input);
        this.bound = new NestingBound(maxDepth, SqlDepthLimitedParser::opensLevel);
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

    private static boolean opensLevel(ParserRuleContext ctx) {
        if (ctx instanceof GroupPrimaryContext || ctx instanceof PermutePrimaryContext) {
            return true;
        }
        return (ctx instanceof ExprTokenContext || ctx instanceof MeasureTokenContext || ctx instanceof NestedContext)
                && ctx.getStart() != null && ctx.getStart().getType() == LPAREN;
    }
}

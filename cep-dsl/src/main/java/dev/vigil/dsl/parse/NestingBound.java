package dev.vigil.dsl.parse;

import java.util.function.Predicate;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * The bound on nesting that a depth-limited parser checks as it descends ({@link DepthLimitedParser} for rule text,
 * {@link SqlDepthLimitedParser} for {@code .sql} files): ANTLR parses by recursive descent, so about ten Java frames
 * per level, and deeply nested text would overflow the stack before any check of the tree could run. The parser
 * says which constructs open a level; one level more than the limit stops the parse with {@link TooDeep}.
 */
final class NestingBound {
    private final int maxDepth;
    private final Predicate<ParserRuleContext> opensLevel;
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

    NestingBound(int maxDepth, Predicate<ParserRuleContext> opensLevel) {
        this.maxDepth = maxDepth;
        this.opensLevel = opensLevel;
    }

    /** Called as the parser enters an alternative of {@code ctx}. */
    void enter(ParserRuleContext ctx) {
        if (opensLevel.test(ctx) && ++depth > maxDepth) {
            throw new TooDeep(ctx.getStart());
        }
    }

    /** Called as the parser leaves {@code ctx}. */
    void exit(ParserRuleContext ctx) {
        if (opensLevel.test(ctx)) {
            depth--;
        }
    }

    void reset() {
        depth = 0;
    }
}

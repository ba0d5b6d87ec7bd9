package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;

/** Computes the {@link Span} of tokens and parse-tree nodes; a span never crosses a line end. */
final class Spans {
    private final Diagnostics source;

    Spans(Diagnostics source) {
        this.source = source;
    }

    Span of(Token token) {
        int length = token.getType() == Token.EOF ? 1 : token.getStopIndex() - token.getStartIndex() + 1;
        return clip(token.getLine(), token.getCharPositionInLine() + 1, length);
    }

    Span of(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() == null || ctx.getStop().getTokenIndex() < start.getTokenIndex()
                ? start : ctx.getStop();
        return between(start, stop);
    }

    Span between(Token start, Token stop) {
        int length = stop.getStopIndex() - start.getStartIndex() + 1;
        return clip(start.getLine(), start.getCharPositionInLine() + 1, length);
    }

    /** Span from {@code from}'s first token to {@code to}'s last one. */
    Span between(ParserRuleContext from, ParserRuleContext to) {
        return between(from.getStart(), to.getStop() == null ? to.getStart() : to.getStop());
    }

    /** The source text of {@code ctx} as written, spaces included. */
    String text(ParserRuleContext ctx) {
        Token stop = ctx.getStop() == null ? ctx.getStart() : ctx.getStop();
        return ctx.getStart().getInputStream().getText(Interval.of(ctx.getStart().getStartIndex(),
                stop.getStopIndex()));
    }

    private Span clip(int line, int column, int length) {
        int room = source.line(line).length() - column + 1;
        return new Span(line, column, Math.max(1, Math.min(length, room)));
    }
}

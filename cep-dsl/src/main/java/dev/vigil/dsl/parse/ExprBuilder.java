package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.dsl.ast.Expr.LiteralKind;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Window;
import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.antlr.v4.runtime.Token;

/**
 * Builds {@link Expr} trees from expression parse trees. A minus sign written directly before a number or
 * duration is folded into the literal ({@code -5} is the literal -5, {@code -(5)} is a negation), which keeps
 * {@code Long.MIN_VALUE} writable and printing exact. Literal mistakes (a number too large, an unknown
 * compact unit) are reported and replaced by a zero of the same kind, so checking goes on without follow-on
 * errors.
 */
final class ExprBuilder {
    private final Diagnostics diagnostics;
    private final Spans spans;
    /** Reads an {@code OVER (LAST d)} duration as {@link AstBuilder} does (null after an error); null: no windows. */
    private final Function<CepParser.DurationContext, Window> windows;

    ExprBuilder(Diagnostics diagnostics, Spans spans) {
        this(diagnostics, spans, null);
    }

    ExprBuilder(Diagnostics diagnostics, Spans spans,
            Function<CepParser.DurationContext, Window> windows) {
        this.diagnostics = diagnostics;
        this.spans = spans;
        this.windows = windows;
    }

    Expr expr(CepParser.ExprContext ctx) {
        return or(ctx.orExpr());
    }

    private Expr or(CepParser.OrExprContext ctx) {
        List<CepParser.AndExprContext> parts = ctx.andExpr();
        Expr result = and(parts.get(0));
        for (int i = 1; i < parts.size(); i++) {
            result = new Expr.Binary(BinaryOp.OR, result, and(parts.get(i)), spans.between(ctx, parts.get(i)));
        }
        return result;
    }

    private Expr and(CepParser.AndExprContext ctx) {
        List<CepParser.NotExprContext> parts = ctx.notExpr();
        Expr result = not(parts.get(0));
        for (int i = 1; i < parts.size(); i++) {
            result = new Expr.Binary(BinaryOp.AND, result, not(parts.get(i)), spans.between(ctx, parts.get(i)));
        }
        return result;
    }

    private Expr not(CepParser.NotExprContext ctx) {
        if (ctx instanceof CepParser.NegationContext negation) {
            return new Expr.Unary(Expr.UnaryOp.NOT, not(negation.notExpr()), spans.of(ctx));
        }
        return comparison(((CepParser.PlainComparisonContext) ctx).comparison());
    }

    private Expr comparison(CepParser.ComparisonContext ctx) {
        Expr left = additive(ctx.additive());
        CepParser.ComparisonTailContext tail = ctx.comparisonTail();
        Span span = spans.of(ctx);
        if (tail == null) {
            return left;
        }
        if (tail instanceof CepParser.CompareTailContext compare) {
            return new Expr.Binary(comparisonOp(compare.op), left, additive(compare.additive()), span);
        }
        if (tail instanceof CepParser.InTailContext in) {
            List<Expr> options = new ArrayList<>();
            for (CepParser.ExprContext option : in.expr()) {
                options.add(expr(option));
            }
            return new Expr.In(left, options, in.NOT() != null, span);
        }
        if (tail instanceof CepParser.BetweenTailContext between) {
            return new Expr.Between(left, additive(between.additive(0)), additive(between.additive(1)),
                    between.NOT() != null, span);
        }
        if (tail instanceof CepParser.IsNullTailContext isNull) {
            return new Expr.IsNull(left, isNull.NOT() != null, span);
        }
        if (tail instanceof CepParser.LikeTailContext like) {
            return new Expr.Like(left, additive(like.additive()), like.NOT() != null, span);
        }
        if (tail instanceof CepParser.MatchesTailContext matches) {
            return new Expr.RegexMatch(left, additive(matches.additive()), matches.NOT() != null, span);
        }
        throw new AssertionError(tail);
    }

    private static BinaryOp comparisonOp(Token op) {
        switch (op.getType()) {
            case CepLexer.EQ:
            case CepLexer.EQEQ:
                return BinaryOp.EQ;
            case CepLexer.NEQ:
            case CepLexer.LTGT:
                return BinaryOp.NE;
            case CepLexer.LT:
                return BinaryOp.LT;
            case CepLexer.LE:
                return BinaryOp.LE;
            case CepLexer.GT:
                return BinaryOp.GT;
            case CepLexer.GE:
                return BinaryOp.GE;
            default:
                throw new AssertionError(op);
        }
    }

    private Expr additive(CepParser.AdditiveContext ctx) {
        List<CepParser.MultiplicativeContext> parts = ctx.multiplicative();
        Expr result = multiplicative(parts.get(0));
        for (int i = 1; i < parts.size(); i++) {
            BinaryOp op = ctx.op.get(i - 1).getType() == CepLexer.PLUS ? BinaryOp.ADD : BinaryOp.SUBTRACT;
            result = new Expr.Binary(op, result, multiplicative(parts.get(i)), spans.between(ctx, parts.get(i)));
        }
        return result;
    }

    private Expr multiplicative(CepParser.MultiplicativeContext ctx) {
        List<CepParser.UnaryContext> parts = ctx.unary();
        Expr result = unary(parts.get(0));
        for (int i = 1; i < parts.size(); i++) {
            int type = ctx.op.get(i - 1).getType();
            BinaryOp op = type == CepLexer.STAR ? BinaryOp.MULTIPLY
                    : type == CepLexer.SLASH ? BinaryOp.DIVIDE : BinaryOp.MODULO;
            result = new Expr.Binary(op, result, unary(parts.get(i)), spans.between(ctx, parts.get(i)));
        }
        return result;
    }

    private Expr unary(CepParser.UnaryContext ctx) {
        if (ctx instanceof CepParser.NegateContext negate) {
            CepParser.UnaryContext operand = negate.unary();
            if (operand instanceof CepParser.PlainPrimaryContext plain
                    && plain.primary() instanceof CepParser.LiteralPrimaryContext literal
                    && isNumeric(literal.literal())) {
                return literal(literal.literal(), true, spans.of(ctx));
            }
            return new Expr.Unary(Expr.UnaryOp.NEGATE, unary(operand), spans.of(ctx));
        }
        return primary(((CepParser.PlainPrimaryContext) ctx).primary());
    }

    private static boolean isNumeric(CepParser.LiteralContext ctx) {
        return ctx instanceof CepParser.IntegerLiteralContext || ctx instanceof CepParser.DecimalLiteralContext
                || ctx instanceof CepParser.DurationLiteralContext
                || ctx instanceof CepParser.CompactDurationLiteralContext;
    }

    private Expr primary(CepParser.PrimaryContext ctx) {
        if (ctx instanceof CepParser.LiteralPrimaryContext literal) {
            return literal(literal.literal(), false, spans.of(ctx));
        }
        if (ctx instanceof CepParser.CallPrimaryContext call && (call.OVER() != null || call.STAR() != null)) {
            return windowed(call);
        }
        if (ctx instanceof CepParser.CallPrimaryContext call) {
            List<Expr> args = new ArrayList<>();
            for (CepParser.ExprContext arg : call.expr()) {
                args.add(expr(arg));
            }
            return new Expr.Call(Names.of(call.name()).toUpperCase(Locale.ROOT), args, spans.of(ctx));
        }
        if (ctx instanceof CepParser.RefPrimaryContext ref) {
            List<String> path = new ArrayList<>();
            for (CepParser.NameContext name : ref.name()) {
                path.add(Names.of(name));
            }
            return new Expr.Ref(path, spans.of(ctx));
        }
        if (ctx instanceof CepParser.ParenPrimaryContext paren) {
            return expr(paren.expr());
        }
        throw new AssertionError(ctx);
    }

    /**
     * {@code f(x) OVER (LAST d)}, or {@code f(*)} without a window (reported). A window or an argument list that is
     * not one is reported, and read as one millisecond and the first argument so that nothing else is reported
     * about it (the rule does not compile anyway).
     */
    private Expr windowed(CepParser.CallPrimaryContext ctx) {
        String function = Names.of(ctx.name()).toUpperCase(Locale.ROOT);
        Expr argument = ctx.expr().isEmpty() ? null : expr(ctx.expr(0));
        Window window = null;
        if (ctx.OVER() == null) {
            diagnostics.error(spans.of(ctx.STAR().getSymbol()), function + "(*) counts the events of a window: write "
                    + function + "(*) OVER (LAST d), e.g. COUNT(*) OVER (LAST 10 MINUTES); COUNT(v) counts a "
                    + "variable's events");
        } else if (windows == null) {
            diagnostics.error(spans.of(ctx.OVER().getSymbol()), "OVER windows are written in .cep rule files only");
        } else {
            window = windows.apply(ctx.duration());
        }
        if (ctx.expr().size() > 1) {
            diagnostics.error(spans.of(ctx.expr(1)), "an OVER window aggregates one field, e.g. AVG(amount) OVER "
                    + "(LAST 1 HOUR); " + function + " is given " + ctx.expr().size());
        } else if (ctx.OVER() != null && argument == null && ctx.STAR() == null) {
            diagnostics.error(spans.of(ctx), function + "() OVER needs a field, or * for COUNT(*)");
        }
        return new Expr.Windowed(function, argument, window == null ? 1 : window.millis(), spans.of(ctx));
    }

    private Expr literal(CepParser.LiteralContext ctx, boolean negative, Span span) {
        String sign = negative ? "-" : "";
        if (ctx instanceof CepParser.IntegerLiteralContext integer) {
            Long value = parseLong(sign + integer.INTEGER().getText(), span);
            return new Expr.Literal(value == null ? 0L : value, LiteralKind.LONG, span);
        }
        if (ctx instanceof CepParser.DecimalLiteralContext decimal) {
            double value = Double.parseDouble(sign + decimal.DECIMAL().getText());
            if (Double.isInfinite(value)) {
                diagnostics.error(span, "number " + decimal.getText() + " is too large for a DOUBLE");
                return new Expr.Literal(0.0, LiteralKind.DOUBLE, span);
            }
            return new Expr.Literal(value, LiteralKind.DOUBLE, span);
        }
        if (ctx instanceof CepParser.DurationLiteralContext duration) {
            Long amount = parseLong(sign + duration.INTEGER().getText(), span);
            long unit = Durations.unitMillis(duration.durationUnit().getStart());
            return durationLiteral(amount, unit, span);
        }
        if (ctx instanceof CepParser.CompactDurationLiteralContext compact) {
            String text = compact.getText();
            int split = Durations.unitStart(text);
            long unit = Durations.compactUnitMillis(text.substring(split));
            if (unit < 0) {
                diagnostics.error(span, unknownCompactUnit(text, split));
                return placeholder(span);
            }
            return durationLiteral(parseLong(sign + text.substring(0, split), span), unit, span);
        }
        if (ctx instanceof CepParser.StringLiteralContext string) {
            return new Expr.Literal(unquoteString(string.STRING().getText()), LiteralKind.STRING, span);
        }
        if (ctx instanceof CepParser.TrueLiteralContext) {
            return new Expr.Literal(Boolean.TRUE, LiteralKind.BOOLEAN, span);
        }
        if (ctx instanceof CepParser.FalseLiteralContext) {
            return new Expr.Literal(Boolean.FALSE, LiteralKind.BOOLEAN, span);
        }
        if (ctx instanceof CepParser.NullLiteralContext) {
            return new Expr.Literal(null, LiteralKind.NULL, span);
        }
        throw new AssertionError(ctx);
    }

    private Expr durationLiteral(Long amount, long unitMillis, Span span) {
        if (amount == null) {
            return placeholder(span);
        }
        try {
            return new Expr.Literal(Math.multiplyExact(amount, unitMillis), LiteralKind.DURATION, span);
        } catch (ArithmeticException e) {
            diagnostics.error(span, "duration is too long; it must fit in " + Long.MAX_VALUE + " milliseconds");
            return placeholder(span);
        }
    }

    static String unknownCompactUnit(String text, int split) {
        return "unknown duration unit '" + text.substring(split) + "' in " + text + "; expected "
                + Durations.COMPACT_UNITS + " (for example 500ms, 10s, 5m) or a word: " + text.substring(0, split)
                + " SECONDS";
    }

    private Long parseLong(String digits, Span span) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            diagnostics.error(span, "number " + digits + " is too large; whole numbers range from "
                    + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
            return null;
        }
    }

    /** Stands in for a duration that could not be read, keeping its type so no follow-on error is reported. */
    private static Expr placeholder(Span span) {
        return new Expr.Literal(0L, LiteralKind.DURATION, span);
    }

    static String unquoteString(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replace("''", "'");
    }

    /**
     * The primary an expression consists of when it has no operator at all (so {@code payments(x > 1)} can
     * be recognized as a stream binding), else {@code null}. Parentheses count as an operator.
     */
    static CepParser.PrimaryContext barePrimary(CepParser.ExprContext ctx) {
        CepParser.OrExprContext or = ctx.orExpr();
        if (or.andExpr().size() != 1 || or.andExpr(0).notExpr().size() != 1) {
            return null;
        }
        if (!(or.andExpr(0).notExpr(0) instanceof CepParser.PlainComparisonContext plain)) {
            return null;
        }
        CepParser.ComparisonContext comparison = plain.comparison();
        if (comparison.comparisonTail() != null || comparison.additive().multiplicative().size() != 1) {
            return null;
        }
        CepParser.MultiplicativeContext multiplicative = comparison.additive().multiplicative(0);
        if (multiplicative.unary().size() != 1
                || !(multiplicative.unary(0) instanceof CepParser.PlainPrimaryContext primary)) {
            return null;
        }
        return primary.primary();
    }
}

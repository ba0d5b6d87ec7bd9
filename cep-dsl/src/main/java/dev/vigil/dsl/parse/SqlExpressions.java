package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Token;

/**
 * The expressions of a {@code .sql} file's MEASURES and DEFINE, read by the rule language's own expression grammar
 * and then given their SQL meaning.
 *
 * <p>Reading: the text of the expression, as the SQL grammar delimited it, is lexed by {@link CepLexer} starting at
 * the expression's own line and column, so every span (and every diagnostic of the expression grammar, the builder
 * and later the checker) points into the {@code .sql} file. One spelling is SQL's only: {@code COUNT(A.*)} is read as
 * the rule language's {@code COUNT(A)}.
 *
 * <p>Meaning: SQL evaluates a DEFINE condition with <i>running</i> semantics, as if the row being classified were
 * already mapped to the variable being defined, while the rule language's {@code v.f} inside {@code v}'s own
 * condition is the last event {@code v} accepted before. So, in {@code DEFINE V AS ...} (and only for {@code V}):
 * <pre>
 *   V.f, LAST(V.f), LAST(V.f, 0)   the row being classified              f
 *   LAST(V.f, 1)                   V's previous row                      v.f
 *   FIRST(V.f), FIRST(V.f, 0)      V's first row, this one if none yet   COALESCE(FIRST(v.f), f)
 *   MIN(V.f), MAX(V.f)             over V's rows and this one            LEAST(MIN(v.f), f), GREATEST(MAX(v.f), f)
 *   COUNT(V.*)                     V's rows and this one                 COUNT(v) + 1
 * </pre>
 * {@code SUM} and {@code AVG} over the variable being defined have no exact form and are refused. Other variables'
 * rows are all accepted already, so {@code W.f}, {@code FIRST}, {@code LAST} and the aggregates over {@code W} keep
 * their meaning, as they do everywhere in MEASURES (which are computed once, at the match's last row). Offsets
 * beyond those above ({@code LAST(W.f, 2)}), physical navigation ({@code PREV}, {@code NEXT}) and
 * {@code CLASSIFIER()} are refused with what to write instead; {@code MATCH_ROWTIME()} in MEASURES is the last
 * row's time, {@code ts}.
 */
final class SqlExpressions {
    private final String fileName;
    private final String text;
    private final Diagnostics diagnostics;
    private final ParseLimits limits;
    private final Spans spans;
    private final ExprBuilder builder;

    SqlExpressions(String fileName, String text, Diagnostics diagnostics, ParseLimits limits, Spans spans) {
        this.fileName = fileName;
        this.text = text;
        this.diagnostics = diagnostics;
        this.limits = limits;
        this.spans = spans;
        this.builder = new ExprBuilder(diagnostics, spans);
    }

    /**
     * The expression written from {@code first} to {@code last} (tokens of the SQL grammar, in the same text), or
     * {@code null} after reporting why it does not read.
     */
    Expr read(Token first, Token last) {
        CepLexer lexer = new CepLexer(CharStreams.fromString(text.substring(first.getStartIndex(),
                last.getStopIndex() + 1), fileName));
        lexer.setLine(first.getLine());
        lexer.setCharPositionInLine(first.getCharPositionInLine());
        SyntaxErrors errors = new SyntaxErrors(diagnostics);
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        List<Token> tokens = countStars(new ArrayList<>(lexer.getAllTokens()));
        if (tokens == null) {
            return null;
        }
        CommonTokenStream stream = new CommonTokenStream(new ListTokenSource(tokens));
        DepthLimitedParser parser = new DepthLimitedParser(stream, limits.maxNestingDepth());
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        CepParser.ExprContext tree;
        try {
            tree = parser.expr();
        } catch (NestingBound.TooDeep deep) {
            diagnostics.exceeded(spans.of(deep.opening), "nested more than " + limits.maxNestingDepth()
                    + " levels deep (" + ParseLimits.NESTING_DEPTH + "); write the expression flatter",
                    ParseLimits.NESTING_DEPTH);
            return null;
        }
        if (errors.positions().isEmpty() && stream.LA(1) != Token.EOF) {
            diagnostics.error(spans.of(stream.LT(1)), "unexpected '" + stream.LT(1).getText()
                    + "' after the expression");
            return null;
        }
        return errors.positions().isEmpty() ? builder.expr(tree) : null;
    }

    /** {@code COUNT(A.*)} as {@code COUNT(A)}; {@code COUNT(*)} is reported (null) since a match has no such count. */
    private List<Token> countStars(List<Token> tokens) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.getType() == CepLexer.STAR && i >= 2 && i + 1 < tokens.size()
                    && tokens.get(i + 1).getType() == CepLexer.RPAREN) {
                int before = tokens.get(i - 1).getType();
                if (before == CepLexer.DOT && out.size() >= 1) {
                    out.remove(out.size() - 1);
                    continue;
                }
                if (before == CepLexer.LPAREN) {
                    diagnostics.error(spans.of(token), "COUNT(*) would count every row of the match, which rules do "
                            + "not keep; count a variable's rows: COUNT(A.*)");
                    return null;
                }
            }
            out.add(token);
        }
        return out;
    }

    /** {@code expression} as a condition of {@code variable}'s DEFINE: running semantics (see the class comment). */
    Expr define(Expr expression, String variable) {
        return rewrite(expression, variable);
    }

    /** {@code expression} as a measure: computed once, at the match's last row. */
    Expr measure(Expr expression) {
        return rewrite(expression, null);
    }

    private Expr rewrite(Expr e, String self) {
        if (e == null) {
            return null;
        }
        if (e instanceof Expr.Ref ref) {
            return self != null && ref.path().size() > 1 && ref.path().get(0).equals(self)
                    ? new Expr.Ref(ref.path().subList(1, ref.path().size()), ref.span()) : ref;
        }
        if (e instanceof Expr.Call call) {
            return call(call, self);
        }
        if (e instanceof Expr.Unary unary) {
            return new Expr.Unary(unary.op(), rewrite(unary.operand(), self), unary.span());
        }
        if (e instanceof Expr.Binary binary) {
            return new Expr.Binary(binary.op(), rewrite(binary.left(), self), rewrite(binary.right(), self),
                    binary.span());
        }
        if (e instanceof Expr.In in) {
            return new Expr.In(rewrite(in.value(), self), in.options().stream().map(option -> rewrite(option, self))
                    .toList(), in.negated(), in.span());
        }
        if (e instanceof Expr.Between between) {
            return new Expr.Between(rewrite(between.value(), self), rewrite(between.low(), self),
                    rewrite(between.high(), self), between.negated(), between.span());
        }
        if (e instanceof Expr.IsNull isNull) {
            return new Expr.IsNull(rewrite(isNull.value(), self), isNull.negated(), isNull.span());
        }
        if (e instanceof Expr.Like like) {
            return new Expr.Like(rewrite(like.value(), self), rewrite(like.pattern(), self), like.negated(),
                    like.span());
        }
        if (e instanceof Expr.RegexMatch regex) {
            return new Expr.RegexMatch(rewrite(regex.value(), self), rewrite(regex.pattern(), self),
                    regex.negated(), regex.span());
        }
        return e; // a literal
    }

    private Expr call(Expr.Call call, String self) {
        String function = call.function().toUpperCase(Locale.ROOT);
        Span span = call.span();
        switch (function) {
            case "PREV", "NEXT" -> {
                diagnostics.error(span, function + " (navigation by physical row) is not supported, as in Flink SQL; "
                        + "use LAST(A.f, 1) for the row before in the variable being defined, or another "
                        + "variable's LAST(B.f)");
                return call;
            }
            case "CLASSIFIER" -> {
                diagnostics.error(span, "CLASSIFIER() is not supported, as in Flink SQL");
                return call;
            }
            case "MATCH_PROCTIME", "PROCTIME" -> {
                diagnostics.error(span, function + "() is not supported: Vigil matches in event time only");
                return call;
            }
            case "MATCH_ROWTIME" -> {
                if (self != null || !call.args().isEmpty()) {
                    diagnostics.error(span, "MATCH_ROWTIME() takes no argument and belongs in MEASURES");
                    return call;
                }
                return new Expr.Ref(List.of("ts"), span);
            }
            default -> {
                // navigation and aggregates below
            }
        }
        String variable = variableOf(call);
        boolean own = self != null && self.equals(variable);
        if (function.equals("FIRST") || function.equals("LAST")) {
            long offset = offset(call);
            if (offset < 0) {
                return call;
            }
            Expr.Ref field = (Expr.Ref) call.args().get(0);
            if (own) {
                Expr current = new Expr.Ref(field.path().subList(1, field.path().size()), field.span());
                if (function.equals("LAST")) {
                    return offset == 0 ? current : offset == 1 ? field : tooFar(call, offset, 1);
                }
                return offset == 0 ? new Expr.Call("COALESCE", List.of(new Expr.Call("FIRST", List.of(field), span),
                        current), span) : tooFar(call, offset, 0);
            }
            return offset == 0 ? new Expr.Call(function, List.of(field), span) : tooFar(call, offset, 0);
        }
        if (own && call.args().size() == 1 && call.args().get(0) instanceof Expr.Ref field) {
            if (function.equals("COUNT")) {
                return new Expr.Binary(Expr.BinaryOp.ADD, call, new Expr.Literal(1L, Expr.LiteralKind.LONG, span),
                        span);
            }
            switch (field.path().size() < 2 ? "" : function) {
                case "MIN", "MAX" -> {
                    Expr current = new Expr.Ref(field.path().subList(1, field.path().size()), field.span());
                    return new Expr.Call(function.equals("MIN") ? "LEAST" : "GREATEST", List.of(call, current),
                            span);
                }
                case "SUM", "AVG" -> {
                    diagnostics.error(span, function + " over " + self + " inside " + self + "'s own DEFINE would "
                            + "include the row being classified, which rules cannot express; compare with "
                            + function + " over another variable, or with LAST(" + self + "." + field.path().get(1)
                            + ", 1)");
                    return call;
                }
                default -> {
                    // not an aggregate
                }
            }
        }
        List<Expr> args = new ArrayList<>(call.args().size());
        for (Expr arg : call.args()) {
            args.add(rewrite(arg, self));
        }
        return new Expr.Call(call.function(), args, span);
    }

    /** The variable a navigation or aggregate call reads ({@code A} of {@code LAST(A.f)}, {@code COUNT(A)}), or null. */
    private static String variableOf(Expr.Call call) {
        return !call.args().isEmpty() && call.args().get(0) instanceof Expr.Ref ref ? ref.path().get(0) : null;
    }

    /** The logical offset of {@code FIRST/LAST(A.f[, n])}, or -1 after reporting a malformed call. */
    private long offset(Expr.Call call) {
        if (call.args().isEmpty() || call.args().size() > 2 || !(call.args().get(0) instanceof Expr.Ref ref)
                || ref.path().size() < 2) {
            diagnostics.error(call.span(), call.function() + " takes a variable's field and an optional offset, as "
                    + "in " + call.function() + "(A.price) or " + call.function() + "(A.price, 1)");
            return -1;
        }
        if (call.args().size() == 1) {
            return 0;
        }
        if (call.args().get(1) instanceof Expr.Literal literal && literal.value() instanceof Long n && n >= 0) {
            return n;
        }
        diagnostics.error(call.args().get(1).span(), "the offset of " + call.function() + " must be a whole number "
                + "literal of 0 or more");
        return -1;
    }

    private Expr tooFar(Expr.Call call, long offset, long most) {
        diagnostics.error(call.span(), call.function() + " with offset " + offset + " is not supported here: "
                + "rules keep " + (most == 1 ? "a variable's last accepted row, so LAST(A.f, 1) works only in A's "
                        + "own DEFINE" : "no offsets into a variable's rows other than LAST(A.f, 1) in A's own DEFINE"));
        return call;
    }
}

package dev.vigil.nfa.expr;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A test-only recursive-descent parser for the expression subset of the rule language, so that tests
 * can be written as text until the real parser lands. Precedence, loosest first: OR, AND, NOT, the
 * comparisons and SQL predicates, {@code + -}, {@code * / %}, unary minus. Keywords are
 * case-insensitive; spans are line 1, column = offset + 1.
 */
final class ExprText {
    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int next;

    private record Token(String text, Kind kind, int offset) {}

    private enum Kind { NUMBER, STRING, WORD, SYMBOL, END }

    private ExprText(String text) {
        this.text = text;
        tokenize();
    }

    static Expr parse(String text) {
        ExprText parser = new ExprText(text);
        Expr expr = parser.or();
        parser.expect(Kind.END, null);
        return expr;
    }

    private void tokenize() {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (Character.isDigit(c)) {
                while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                    i++;
                }
                if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
                    i++;
                    if (text.charAt(i) == '-' || text.charAt(i) == '+') {
                        i++;
                    }
                    while (i < text.length() && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                }
                tokens.add(new Token(text.substring(start, i), Kind.NUMBER, start));
            } else if (c == '\'') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("unterminated string in " + text);
                    }
                    if (text.charAt(i) == '\'') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                            value.append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.append(text.charAt(i++));
                }
                tokens.add(new Token(value.toString(), Kind.STRING, start));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(text.substring(start, i), Kind.WORD, start));
            } else {
                String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
                String symbol = two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=")
                        ? two
                        : String.valueOf(c);
                i += symbol.length();
                tokens.add(new Token(symbol.equals("!=") ? "<>" : symbol, Kind.SYMBOL, start));
            }
        }
        tokens.add(new Token("", Kind.END, text.length()));
    }

    private Expr or() {
        Expr left = and();
        while (keyword("OR")) {
            Span span = spanOfPrevious();
            left = new Expr.Binary(BinaryOp.OR, left, and(), span);
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (keyword("AND")) {
            Span span = spanOfPrevious();
            left = new Expr.Binary(BinaryOp.AND, left, not(), span);
        }
        return left;
    }

    private Expr not() {
        if (keyword("NOT")) {
            Span span = spanOfPrevious();
            return new Expr.Unary(Expr.UnaryOp.NOT, not(), span);
        }
        return predicate();
    }

    private Expr predicate() {
        Expr value = additive();
        Span span = span(peek());
        for (BinaryOp op : new BinaryOp[] {BinaryOp.LE, BinaryOp.GE, BinaryOp.NE, BinaryOp.EQ, BinaryOp.LT, BinaryOp.GT}) {
            if (symbol(op.symbol)) {
                return new Expr.Binary(op, value, additive(), span);
            }
        }
        if (keyword("IS")) {
            boolean negated = keyword("NOT");
            expectKeyword("NULL");
            return new Expr.IsNull(value, negated, span);
        }
        boolean negated = keyword("NOT");
        if (keyword("IN")) {
            expect(Kind.SYMBOL, "(");
            List<Expr> options = new ArrayList<>();
            do {
                options.add(or());
            } while (symbol(","));
            expect(Kind.SYMBOL, ")");
            return new Expr.In(value, options, negated, span);
        }
        if (keyword("BETWEEN")) {
            Expr low = additive();
            expectKeyword("AND");
            return new Expr.Between(value, low, additive(), negated, span);
        }
        if (keyword("LIKE")) {
            return new Expr.Like(value, additive(), negated, span);
        }
        if (keyword("MATCHES")) {
            return new Expr.RegexMatch(value, additive(), negated, span);
        }
        if (negated) {
            throw error("IN, BETWEEN, LIKE or MATCHES after NOT");
        }
        return value;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (true) {
            Span span = span(peek());
            if (symbol("+")) {
                left = new Expr.Binary(BinaryOp.ADD, left, multiplicative(), span);
            } else if (symbol("-")) {
                left = new Expr.Binary(BinaryOp.SUBTRACT, left, multiplicative(), span);
            } else {
                return left;
            }
        }
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (true) {
            Span span = span(peek());
            if (symbol("*")) {
                left = new Expr.Binary(BinaryOp.MULTIPLY, left, unary(), span);
            } else if (symbol("/")) {
                left = new Expr.Binary(BinaryOp.DIVIDE, left, unary(), span);
            } else if (symbol("%")) {
                left = new Expr.Binary(BinaryOp.MODULO, left, unary(), span);
            } else {
                return left;
            }
        }
    }

    private Expr unary() {
        Span span = span(peek());
        if (symbol("-")) {
            return new Expr.Unary(Expr.UnaryOp.NEGATE, unary(), span);
        }
        return primary();
    }

    private Expr primary() {
        Token token = tokens.get(next++);
        Span span = span(token);
        if (token.kind() == Kind.NUMBER) {
            return number(token.text(), span);
        }
        if (token.kind() == Kind.STRING) {
            return new Expr.Literal(token.text(), Expr.LiteralKind.STRING, span);
        }
        if (token.kind() == Kind.SYMBOL && token.text().equals("(")) {
            Expr inner = or();
            expect(Kind.SYMBOL, ")");
            return inner;
        }
        if (token.kind() != Kind.WORD) {
            next--;
            throw error("an operand");
        }
        String upper = token.text().toUpperCase(Locale.ROOT);
        if (upper.equals("TRUE") || upper.equals("FALSE")) {
            return new Expr.Literal(upper.equals("TRUE"), Expr.LiteralKind.BOOLEAN, span);
        }
        if (upper.equals("NULL")) {
            return new Expr.Literal(null, Expr.LiteralKind.NULL, span);
        }
        if (symbol("(")) {
            List<Expr> args = new ArrayList<>();
            if (!symbol(")")) {
                do {
                    args.add(or());
                } while (symbol(","));
                expect(Kind.SYMBOL, ")");
            }
            return new Expr.Call(upper, args, span);
        }
        List<String> path = new ArrayList<>(List.of(token.text()));
        while (symbol(".")) {
            path.add(expect(Kind.WORD, null).text());
        }
        return new Expr.Ref(path, span);
    }

    /** A number, or a duration when a time unit follows it. */
    private Expr number(String digits, Span span) {
        boolean isDouble = digits.contains(".") || digits.contains("e") || digits.contains("E");
        Token unit = peek();
        long scale = unit.kind() == Kind.WORD ? unitMs(unit.text().toUpperCase(Locale.ROOT)) : 0;
        if (scale > 0 && !isDouble) {
            next++;
            return new Expr.Literal(Long.parseLong(digits) * scale, Expr.LiteralKind.DURATION, span);
        }
        if (isDouble) {
            return new Expr.Literal(Double.parseDouble(digits), Expr.LiteralKind.DOUBLE, span);
        }
        return new Expr.Literal(Long.parseLong(digits), Expr.LiteralKind.LONG, span);
    }

    private static long unitMs(String unit) {
        switch (unit) {
            case "MS": case "MILLISECOND": case "MILLISECONDS": return 1;
            case "SECOND": case "SECONDS": return 1_000;
            case "MINUTE": case "MINUTES": return 60_000;
            case "HOUR": case "HOURS": return 3_600_000;
            case "DAY": case "DAYS": return 86_400_000;
            default: return 0;
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private boolean keyword(String word) {
        Token token = peek();
        if (token.kind() == Kind.WORD && token.text().equalsIgnoreCase(word)) {
            next++;
            return true;
        }
        return false;
    }

    private boolean symbol(String symbol) {
        Token token = peek();
        if (token.kind() == Kind.SYMBOL && token.text().equals(symbol)) {
            next++;
            return true;
        }
        return false;
    }

    private void expectKeyword(String word) {
        if (!keyword(word)) {
            throw error(word);
        }
    }

    private Token expect(Kind kind, String symbol) {
        Token token = peek();
        if (token.kind() != kind || (symbol != null && !token.text().equals(symbol))) {
            throw error(symbol != null ? symbol : kind.toString());
        }
        next++;
        return token;
    }

    private Span spanOfPrevious() {
        return span(tokens.get(next - 1));
    }

    private static Span span(Token token) {
        return new Span(1, token.offset() + 1, Math.max(1, token.text().length()));
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException(
                "expected " + expected + " at column " + (peek().offset() + 1) + " of: " + text);
    }
}

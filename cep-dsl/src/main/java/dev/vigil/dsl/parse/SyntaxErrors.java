package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's lexer and parser errors into diagnostics in plain words: "unexpected 'WITHN' in a rule;
 * expected SEVERITY, FROM, PARTITION BY, PATTERN, ..." instead of "mismatched input ... expecting {...}".
 * Also remembers where errors happened so that statements containing one are not built or checked.
 */
final class SyntaxErrors extends BaseErrorListener {
    private final Diagnostics diagnostics;
    private final List<Span> positions = new ArrayList<>();

    SyntaxErrors(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** Places (1-based line and column) where a syntax error was reported. */
    List<Span> positions() {
        return positions;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
            String msg, RecognitionException e) {
        Span span;
        String message;
        if (recognizer instanceof Lexer) {
            span = new Span(line, charPositionInLine + 1, 1);
            message = "unexpected character " + lexerCharacter(msg);
        } else {
            Token token = (Token) offendingSymbol;
            int length = token.getType() == Token.EOF ? 1 : token.getStopIndex() - token.getStartIndex() + 1;
            span = new Span(line, charPositionInLine + 1, length);
            message = parserMessage((Parser) recognizer, token, msg, e);
        }
        positions.add(span);
        diagnostics.error(span, message);
    }

    private static String lexerCharacter(String msg) {
        int quote = msg.indexOf('\'');
        String text = quote >= 0 ? msg.substring(quote) : "'" + msg + "'";
        return text + "; names are letters, digits and _, strings are in 'single quotes'";
    }

    private static String parserMessage(Parser parser, Token token, String msg, RecognitionException e) {
        if (token.getType() == CepLexer.UNTERMINATED_STRING) {
            return "string is not closed; add a ' at its end (write '' for a quote inside a string)";
        }
        if (token.getType() == CepLexer.UNTERMINATED_COMMENT) {
            return "comment is not closed; end it with */";
        }
        IntervalSet expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens()
                : parser.getExpectedTokens();
        String where = context(e != null && e.getCtx() instanceof ParserRuleContext rc ? rc : parser.getContext());
        String expectedText = describe(expected);
        if (msg.startsWith("missing ")) {
            return "expected " + expectedText + where + " before " + tokenText(token);
        }
        String found = "unexpected " + tokenText(token) + where;
        if (COMPARISONS.contains(token.getType()) && endsStatement(expected)) {
            found += ": comparisons do not chain; join them with AND, as in a < b AND b < c";
        } else if (endsStatement(expected)) {
            found = "unexpected " + tokenText(token) + afterStatement(parser);
        } else if (!expectedText.isEmpty()) {
            found += "; expected " + expectedText;
        }
        return found + misspeltKeyword(parser, token);
    }

    private static final Set<Integer> COMPARISONS = Set.of(CepLexer.EQ, CepLexer.EQEQ, CepLexer.NEQ, CepLexer.LTGT,
            CepLexer.LT, CepLexer.LE, CepLexer.GT, CepLexer.GE);

    /** Whether only ';' or the end could follow: the parser has closed a statement and is between statements. */
    private static boolean endsStatement(IntervalSet expected) {
        List<Integer> types = expected == null ? List.of() : expected.toList();
        return !types.isEmpty() && types.stream().allMatch(t -> t == Token.EOF || t == CepLexer.SEMI);
    }

    /**
     * The parser only notices a stray token once the statement before it has ended, where nothing but ';' may
     * follow; name that statement and what it could have continued with instead.
     */
    private static String afterStatement(Parser parser) {
        ParserRuleContext file = parser.getContext();
        CepParser.StatementContext last = null;
        for (int i = 0; file != null && i < file.getChildCount(); i++) {
            if (file.getChild(i) instanceof CepParser.StatementContext statement) {
                last = statement;
            }
        }
        if (last != null && last.ruleDecl() != null) {
            return " in RULE " + last.ruleDecl().name().getText() + "; expected an operator or a clause (SEVERITY, "
                    + "FROM, PARTITION BY, PATTERN, WITHIN, DEFINE, EMIT, ON TIMEOUT EMIT or AFTER MATCH SKIP), "
                    + "or ';' to end the rule";
        }
        if (last != null && last.streamDecl() != null) {
            return " in STREAM " + last.streamDecl().name().getText() + "; expected EVENT TIME, WATERMARK DELAY or "
                    + "';' to end the declaration";
        }
        return "; expected ';' between statements";
    }

    /**
     * A misspelt keyword ({@code WITHN}) lexes as a name and is usually accepted as one, so the error shows up
     * a token later; name the likely keyword to save the reader the search.
     */
    private static String misspeltKeyword(Parser parser, Token token) {
        Token previous = parser.getInputStream().LT(-1);
        for (Token candidate : new Token[] {token, previous}) {
            if (candidate == null || candidate.getType() != CepLexer.IDENT || candidate.getText().length() < 3) {
                continue;
            }
            List<String> close = Suggestions.closest(candidate.getText(), Keywords.all());
            if (!close.isEmpty()) {
                return " ('" + candidate.getText() + "' is read as a name; did you mean " + close.get(0) + "?)";
            }
        }
        return "";
    }

    private static String tokenText(Token token) {
        return token.getType() == Token.EOF ? "end of input" : "'" + token.getText() + "'";
    }

    /** A few words naming the construct being parsed, from the innermost rule that has a good name. */
    private static String context(ParserRuleContext ctx) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            int rule = c.getRuleIndex();
            if (rule == CepParser.RULE_quantifier) {
                return " in a quantifier";
            }
            if (rule == CepParser.RULE_duration) {
                return " in a duration";
            }
            if (rule == CepParser.RULE_skipTarget) {
                return " after AFTER MATCH SKIP";
            }
            if (rule == CepParser.RULE_pattern) {
                return " in PATTERN";
            }
            if (rule == CepParser.RULE_sink) {
                return " in TO";
            }
            if (rule == CepParser.RULE_varDef) {
                return " in DEFINE";
            }
            if (rule == CepParser.RULE_emitField) {
                return " in EMIT";
            }
            if (rule == CepParser.RULE_streamDecl) {
                return " in STREAM";
            }
            if (rule == CepParser.RULE_ruleDecl) {
                return " in RULE";
            }
        }
        return "";
    }

    private static final Set<Integer> EXPRESSION_START = Set.of(CepLexer.INTEGER, CepLexer.DECIMAL,
            CepLexer.STRING, CepLexer.TRUE, CepLexer.FALSE, CepLexer.NULL, CepLexer.COMPACT_DURATION,
            CepLexer.MINUS, CepLexer.LPAREN, CepLexer.IDENT, CepLexer.QUOTED_IDENT, CepLexer.NOT);

    /** "a name, '(' or end of input": the expected tokens as a reader would name them. */
    static String describe(IntervalSet expected) {
        if (expected == null) {
            return "";
        }
        List<Integer> types = expected.toList();
        Set<String> words = new LinkedHashSet<>();
        boolean expression = types.contains(CepLexer.IDENT) && types.contains(CepLexer.INTEGER)
                && types.contains(CepLexer.STRING);
        if (expression) {
            words.add("an expression");
        }
        for (int type : types) {
            if (expression && EXPRESSION_START.contains(type)) {
                continue;
            }
            if (Keywords.NON_RESERVED.contains(type) && types.contains(CepLexer.IDENT)) {
                continue;
            }
            words.add(display(type));
        }
        return join(new ArrayList<>(words));
    }

    private static String display(int type) {
        if (type == Token.EOF) {
            return "end of input";
        }
        if (type == CepLexer.IDENT || type == CepLexer.QUOTED_IDENT) {
            return "a name";
        }
        if (type == CepLexer.INTEGER || type == CepLexer.DECIMAL) {
            return "a number";
        }
        if (type == CepLexer.STRING) {
            return "a string";
        }
        if (type == CepLexer.COMPACT_DURATION) {
            return "a duration";
        }
        if (type == CepLexer.PARTITION) {
            return "PARTITION BY";
        }
        if (type == CepLexer.AFTER) {
            return "AFTER MATCH SKIP";
        }
        if (type == CepLexer.ON) {
            return "ON TIMEOUT EMIT";
        }
        if (type == CepLexer.EVENT) {
            return "EVENT TIME";
        }
        if (type == CepLexer.WATERMARK) {
            return "WATERMARK DELAY";
        }
        String literal = CepLexer.VOCABULARY.getLiteralName(type);
        if (literal == null) {
            return CepLexer.VOCABULARY.getDisplayName(type);
        }
        String bare = literal.substring(1, literal.length() - 1);
        return Character.isLetter(bare.charAt(0)) ? bare.toUpperCase(java.util.Locale.ROOT) : literal;
    }

    private static String join(List<String> words) {
        if (words.size() <= 1) {
            return words.isEmpty() ? "" : words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}

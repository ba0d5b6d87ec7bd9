package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Reads rule text into an unchecked AST: lexes, parses and builds every statement that has no syntax error.
 * Statements with one are left out of the result, so the checker never sees half-parsed input, while
 * mistakes in the other statements are still found in the same run. Text nested deeper than
 * {@link ParseLimits#maxNestingDepth} is not parsed further: its one diagnostic names the limit and where it was
 * passed ({@link DepthLimitedParser}). Called by {@code RuleParser}.
 */
public final class SyntaxReader {
    private SyntaxReader() {}

    /** The statements of {@code text} that parse; every mistake found so far is added to {@code diagnostics}. */
    public static RuleFile read(String fileName, String text, Diagnostics diagnostics, ParseLimits limits) {
        SyntaxErrors errors = new SyntaxErrors(diagnostics);
        CepLexer lexer = new CepLexer(CharStreams.fromString(text, fileName));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        CepParser parser = new DepthLimitedParser(tokens, limits.maxNestingDepth());
        parser.removeErrorListeners();
        CepParser.RuleFileContext tree;
        try {
            tree = parse(parser, tokens, errors);
        } catch (NestingBound.TooDeep deep) {
            diagnostics.exceeded(new Spans(diagnostics).of(deep.opening), "nested more than "
                    + limits.maxNestingDepth() + " levels deep (" + ParseLimits.NESTING_DEPTH + "): parentheses, "
                    + "NOT, unary minus, function calls, IN lists and pattern groups each open a level; "
                    + "write the rule flatter", ParseLimits.NESTING_DEPTH);
            return new RuleFile(fileName, List.of(), List.of());
        }

        AstBuilder builder = new AstBuilder(diagnostics);
        List<StreamDecl> streams = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        for (CepParser.StatementContext statement : tree.statement()) {
            if (broken(statement, end(statement, tokens), errors.positions())) {
                continue;
            }
            if (statement.streamDecl() != null) {
                StreamDecl stream = builder.stream(statement.streamDecl());
                if (stream != null) {
                    streams.add(stream);
                }
            } else if (statement.ruleDecl() != null) {
                Rule rule = builder.rule(statement.ruleDecl());
                if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        return new RuleFile(fileName, streams, rules);
    }

    /**
     * Two-stage parse: the fast SLL mode settles almost every input; only when it fails is the text parsed again
     * in full LL mode with error reporting and recovery, so messages are never SLL's.
     */
    private static CepParser.RuleFileContext parse(CepParser parser, CommonTokenStream tokens, SyntaxErrors errors) {
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            return parser.ruleFile();
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
            parser.addErrorListener(errors);
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.setErrorHandler(new StatementRecovery());
            return parser.ruleFile();
        }
    }

    /**
     * The token that ends {@code statement}: the first {@code ;} (or the end of the text) after its last token. Error
     * recovery may end a statement early and skip the rest of it up to the {@code ;} (as for a misspelt clause
     * keyword, {@code PARTITON BY k PATTERN a}): an error there is the statement's own, and its clauses after it are
     * missing only because of it.
     */
    private static Token end(ParserRuleContext statement, CommonTokenStream tokens) {
        Token stop = statement.getStop();
        if (stop == null) {
            return null;
        }
        for (int i = stop.getTokenIndex() + 1; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.getChannel() == Token.DEFAULT_CHANNEL
                    && (token.getType() == CepLexer.SEMI || token.getType() == Token.EOF)) {
                return token;
            }
        }
        return stop;
    }

    /**
     * Whether {@code statement} holds a syntax error: so it is not built, and nothing that follows from the error
     * (a clause the parser could not read reported as missing) is reported besides it.
     */
    private static boolean broken(ParserRuleContext statement, Token end, List<Span> errorPositions) {
        if (hasErrorNode(statement)) {
            return true;
        }
        Token start = statement.getStart();
        Token stop = end;
        if (stop == null || stop.getTokenIndex() < start.getTokenIndex()) {
            return true;
        }
        int stopColumn = stop.getCharPositionInLine() + Math.max(1, stop.getType() == Token.EOF ? 1
                : stop.getText().length());
        for (Span error : errorPositions) {
            boolean afterStart = error.line() > start.getLine()
                    || (error.line() == start.getLine() && error.column() > start.getCharPositionInLine());
            boolean beforeStop = error.line() < stop.getLine()
                    || (error.line() == stop.getLine() && error.column() <= stopColumn);
            if (afterStart && beforeStop) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasErrorNode(ParseTree tree) {
        if (tree instanceof ErrorNode) {
            return true;
        }
        if (tree instanceof ParserRuleContext ctx && ctx.exception != null) {
            return true;
        }
        for (int i = 0; i < tree.getChildCount(); i++) {
            if (hasErrorNode(tree.getChild(i))) {
                return true;
            }
        }
        return false;
    }
}

package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.FieldType;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.dsl.ast.Window;
import dev.vigil.dsl.grammar.MatchRecognizeLexer;
import dev.vigil.dsl.grammar.MatchRecognizeParser;
import dev.vigil.dsl.grammar.MatchRecognizeParser.MeasureContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Reads a {@code .sql} rule file (grammar {@code MatchRecognize.g4}) into the same AST as a {@code .cep} file, so the
 * checker, the compiler and everything after them never know which front end a rule came from.
 *
 * <pre>
 *   CREATE TABLE s (f TYPE, ..., WATERMARK FOR t AS t - INTERVAL 'n' UNIT)   STREAM s (f TYPE, ...) EVENT TIME t
 *                                                                             WATERMARK DELAY n UNIT
 *   CREATE VIEW r AS SELECT ... FROM s MATCH_RECOGNIZE (                     RULE r FROM s
 *     PARTITION BY k ORDER BY t                                                PARTITION BY k
 *     MEASURES e AS m                                                          EMIT m = e (the selected columns)
 *     ONE ROW PER MATCH  AFTER MATCH SKIP PAST LAST ROW                        AFTER MATCH SKIP PAST LAST EVENT
 *     (no AFTER MATCH: Flink SQL's default, SKIP TO NEXT ROW)                  AFTER MATCH SKIP TO NEXT EVENT
 *     PATTERN (A B+? C) WITHIN INTERVAL '1' HOUR                               PATTERN a b+ c  WITHIN 1 HOUR
 *     DEFINE B AS ...)                                                         DEFINE b AS ...
 * </pre>
 *
 * Pattern translation is Flink SQL's, so a pattern means what it means there: juxtaposed variables are strict
 * (Flink {@code next}), a quantified variable takes consecutive rows, quantifiers are greedy unless followed by
 * {@code ?} (greedy only where Flink makes them so: not {@code ?} nor an exact count), {@code {- X*? -}} between
 * two variables is {@code ->} and {@code {- X* -}} is {@code ->>}. Flink SQL's refusals are kept, each with its
 * message: a greedy quantifier at the end, a reluctant {@code ??}, ALL ROWS PER MATCH. Groups {@code (A B)+} are
 * accepted (Flink SQL refuses them; the rule language has them). Expressions are read by {@link SqlExpressions}.
 * Called by {@code RuleParser} for file names ending in {@code .sql}.
 */
public final class SqlReader {
    private static final Map<String, FieldType> TYPES = Map.ofEntries(Map.entry("STRING", FieldType.STRING),
            Map.entry("VARCHAR", FieldType.STRING), Map.entry("CHAR", FieldType.STRING),
            Map.entry("BIGINT", FieldType.LONG), Map.entry("INT", FieldType.LONG),
            Map.entry("INTEGER", FieldType.LONG), Map.entry("SMALLINT", FieldType.LONG),
            Map.entry("TINYINT", FieldType.LONG), Map.entry("DOUBLE", FieldType.DOUBLE),
            Map.entry("FLOAT", FieldType.DOUBLE), Map.entry("REAL", FieldType.DOUBLE),
            Map.entry("DECIMAL", FieldType.DOUBLE), Map.entry("BOOLEAN", FieldType.BOOLEAN),
            Map.entry("TIMESTAMP", FieldType.TIMESTAMP), Map.entry("TIMESTAMP_LTZ", FieldType.TIMESTAMP));
    private static final Map<String, Long> UNITS = Map.of("MILLISECOND", 1L, "SECOND", 1_000L, "MINUTE", 60_000L,
            "HOUR", 3_600_000L, "DAY", 86_400_000L);

    private final Diagnostics diagnostics;
    private final Spans spans;
    private final SqlExpressions expressions;

    private SqlReader(String fileName, String text, Diagnostics diagnostics, ParseLimits limits) {
        this.diagnostics = diagnostics;
        this.spans = new Spans(diagnostics);
        this.expressions = new SqlExpressions(fileName, text, diagnostics, limits, spans);
    }

    /** The statements of {@code text}; every mistake is added to {@code diagnostics}. A syntax error yields none. */
    public static RuleFile read(String fileName, String text, Diagnostics diagnostics, ParseLimits limits) {
        List<Span> errors = new ArrayList<>();
        BaseErrorListener listener = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column, String msg,
                    RecognitionException e) {
                Span span = new Span(line, column + 1, offending instanceof Token token && token.getType() != Token.EOF
                        ? token.getStopIndex() - token.getStartIndex() + 1 : 1);
                errors.add(span);
                diagnostics.error(span, syntaxMessage(recognizer, offending, msg));
            }
        };
        MatchRecognizeLexer lexer = new MatchRecognizeLexer(CharStreams.fromString(text, fileName));
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        SqlDepthLimitedParser parser = new SqlDepthLimitedParser(new CommonTokenStream(lexer),
                limits.maxNestingDepth());
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        MatchRecognizeParser.SqlFileContext tree;
        try {
            tree = parser.sqlFile();
        } catch (NestingBound.TooDeep deep) {
            diagnostics.exceeded(new Spans(diagnostics).of(deep.opening), "nested more than "
                    + limits.maxNestingDepth() + " levels deep (" + ParseLimits.NESTING_DEPTH + "); write the rule "
                    + "flatter", ParseLimits.NESTING_DEPTH);
            return new RuleFile(fileName, List.of(), List.of());
        }
        if (!errors.isEmpty()) {
            return new RuleFile(fileName, List.of(), List.of());
        }
        SqlReader reader = new SqlReader(fileName, text, diagnostics, limits);
        List<StreamDecl> streams = new ArrayList<>();
        for (MatchRecognizeParser.StatementContext statement : tree.statement()) {
            if (statement.createTable() != null) {
                StreamDecl stream = reader.table(statement.createTable());
                if (stream != null) {
                    streams.add(stream);
                }
            }
        }
        List<Rule> rules = new ArrayList<>();
        for (MatchRecognizeParser.StatementContext statement : tree.statement()) {
            if (statement.createView() != null) {
                Rule rule = reader.view(statement.createView(), streams);
                if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        return new RuleFile(fileName, streams, rules);
    }

    private static String syntaxMessage(Recognizer<?, ?> recognizer, Object offending, String msg) {
        if (recognizer instanceof Lexer) {
            return "unexpected character " + msg.substring(Math.max(0, msg.indexOf('\'')));
        }
        Token token = (Token) offending;
        if (token.getType() == MatchRecognizeLexer.UNTERMINATED_STRING) {
            return "string is not closed; add a ' at its end (write '' for a quote inside a string)";
        }
        if (token.getType() == MatchRecognizeLexer.UNTERMINATED_COMMENT) {
            return "comment is not closed; end it with */";
        }
        String found = token.getType() == Token.EOF ? "end of input" : "'" + token.getText() + "'";
        int expecting = msg.indexOf("expecting ");
        int at = msg.lastIndexOf(" at ");
        String wanted = msg.startsWith("missing ") && at > 0 ? msg.substring("missing ".length(), at)
                : expecting >= 0 ? msg.substring(expecting + "expecting ".length()) : null;
        if (wanted == null) {
            return "unexpected " + found;
        }
        List<String> words = new ArrayList<>();
        for (String word : wanted.replaceAll("[{}]", "").split(", ")) {
            String bare = word.replace("'", "");
            words.add(bare.equals("IDENT") || bare.equals("QUOTED_IDENT") ? "a name"
                    : bare.chars().allMatch(Character::isLetter) ? bare.toUpperCase(Locale.ROOT) : word);
        }
        words = words.stream().distinct().toList();
        String expected = words.size() == 1 ? words.get(0) : String.join(", ", words.subList(0, words.size() - 1))
                + " or " + words.get(words.size() - 1);
        return "unexpected " + found + "; expected " + expected;
    }

    // ---------------------------------------------------------------- CREATE TABLE

    private StreamDecl table(MatchRecognizeParser.CreateTableContext ctx) {
        boolean ok = true;
        if (ctx.withOptions() != null) {
            diagnostics.error(spans.of(ctx.withOptions().getStart()), "WITH (connector options) does not apply: "
                    + "events reach Vigil through the server's sources (WebSocket, HTTP, Kafka); remove the WITH "
                    + "clause");
            ok = false;
        }
        List<FieldDecl> fields = new ArrayList<>();
        FieldPath eventTime = null;
        long delay = -1;
        for (MatchRecognizeParser.TableElementContext element : ctx.tableElement()) {
            if (element instanceof MatchRecognizeParser.ColumnElementContext column) {
                String typeName = name(column.columnType().name()).toUpperCase(Locale.ROOT);
                FieldType type = TYPES.get(typeName);
                if (type == null) {
                    diagnostics.error(spans.of(column.columnType().name()), "unsupported column type '" + typeName
                            + "'; expected STRING, VARCHAR, CHAR, BIGINT, INT, SMALLINT, TINYINT, DOUBLE, FLOAT, "
                            + "REAL, DECIMAL, BOOLEAN, TIMESTAMP or TIMESTAMP_LTZ");
                    ok = false;
                    continue;
                }
                fields.add(new FieldDecl(path(column.columnPath()), type, spans.of(column.columnPath())));
            } else if (element instanceof MatchRecognizeParser.WatermarkElementContext watermark) {
                if (eventTime != null) {
                    diagnostics.error(spans.of(watermark.getStart()), "WATERMARK is given twice; a table has one");
                    ok = false;
                }
                eventTime = path(watermark.columnPath(0));
                FieldPath minus = path(watermark.columnPath(1));
                if (!minus.dotted().equals(eventTime.dotted())) {
                    diagnostics.error(minus.span(), "the watermark must be " + eventTime.dotted() + " - INTERVAL "
                            + "'n' UNIT (a bounded delay on the same column), got " + minus.dotted());
                    ok = false;
                }
                Long millis = watermark.interval() == null ? Long.valueOf(0) : interval(watermark.interval(), true);
                if (millis == null) {
                    ok = false;
                } else {
                    delay = millis;
                }
            } else {
                diagnostics.error(spans.of(element.getStart()), "computed columns are not supported: declare the "
                        + "column with its type, as events carry it");
                ok = false;
            }
        }
        return ok ? new StreamDecl(name(ctx.name()), fields, eventTime, delay, spans.of(ctx.name())) : null;
    }

    // ---------------------------------------------------------------- CREATE VIEW ... MATCH_RECOGNIZE

    private Rule view(MatchRecognizeParser.CreateViewContext ctx, List<StreamDecl> tables) {
        String ruleName = name(ctx.name(0));
        Span ruleSpan = spans.of(ctx.name(0));
        String source = name(ctx.source);
        MatchRecognizeParser.RecognizeContext mr = ctx.recognize();
        boolean ok = orderBy(mr, source, tables, ruleSpan);
        if (mr.rowsPerMatch() instanceof MatchRecognizeParser.AllRowsContext all) {
            diagnostics.error(spans.of(all), "ALL ROWS PER MATCH is not supported (as in Flink SQL): a match gives one "
                    + "alert; write ONE ROW PER MATCH or leave it out");
            ok = false;
        }
        List<FieldPath> partitionBy = new ArrayList<>();
        for (MatchRecognizeParser.ColumnPathContext column : mr.columnPath()) {
            partitionBy.add(path(column));
        }
        SqlPatterns.Built built = new SqlPatterns(diagnostics, spans).pattern(mr.rowPattern());
        Window within = null;
        if (mr.interval() != null) {
            Long millis = interval(mr.interval(), false);
            within = millis == null ? null : new Window(millis, spans.of(mr.interval()));
            ok &= within != null;
        }
        AfterMatchSkip skip = skip(mr.skipTo(), ruleSpan);
        List<VarDef> defines = new ArrayList<>();
        for (MatchRecognizeParser.DefineItemContext item : mr.defineItem()) {
            String variable = name(item.name());
            Expr condition = expression(item.exprToken());
            ok &= condition != null;
            if (condition != null) {
                defines.add(new VarDef(variable, null, expressions.define(condition, variable),
                        null, spans.of(item.name())));
            }
        }
        Map<String, EmitField> measures = new LinkedHashMap<>();
        for (MeasureContext measure : mr.measure()) {
            String alias = name(measure.name());
            Expr value = expression(measure.measureToken());
            ok &= value != null;
            if (value != null && measures.putIfAbsent(alias, new EmitField(alias, expressions.measure(value),
                    spans.of(measure.name()))) != null) {
                diagnostics.error(spans.of(measure.name()), "measure '" + alias + "' is defined twice");
                ok = false;
            }
        }
        List<EmitField> emit = select(ctx, partitionBy, measures);
        if (!ok || built == null || emit == null) {
            return null;
        }
        return new Rule(ruleName, null, List.of(source), partitionBy, built.pattern(), within, null, defines, emit,
                null, skip, List.of(), ruleSpan, List.of(spans.of(ctx.source)));
    }

    /**
     * Vigil orders every stream by its event time, so ORDER BY must name it: the table's WATERMARK column when this
     * file declares the table, else {@code ts} (the event's own time, as for undeclared streams).
     */
    private boolean orderBy(MatchRecognizeParser.RecognizeContext mr, String source, List<StreamDecl> tables,
            Span ruleSpan) {
        if (mr.orderItem().isEmpty()) {
            diagnostics.error(ruleSpan, "MATCH_RECOGNIZE needs ORDER BY the event time column (as Flink SQL does), "
                    + "e.g. ORDER BY ts");
            return false;
        }
        MatchRecognizeParser.OrderItemContext first = mr.orderItem(0);
        if (mr.orderItem().size() > 1) {
            diagnostics.error(spans.of(mr.orderItem(1)), "ORDER BY takes the event time column only; rows are ordered "
                    + "by event time, then by arrival");
            return false;
        }
        if (first.DESC() != null) {
            diagnostics.error(spans.of(first.DESC().getSymbol()), "ORDER BY must be ascending: rows are matched in "
                    + "event time order");
            return false;
        }
        String column = path(first.columnPath()).dotted();
        StreamDecl table = tables.stream().filter(t -> t.name().equals(source)).findFirst().orElse(null);
        String time = table == null || table.eventTimeField() == null ? "ts" : table.eventTimeField().dotted();
        if (!column.equals(time)) {
            diagnostics.error(spans.of(first.columnPath()), "ORDER BY " + column + ": rows are matched in order of "
                    + "their event time, which is " + (table == null ? "the events' own ts, since table " + source
                    + " is not created in this file; write ORDER BY ts, or create the table here with WATERMARK FOR "
                    + column + " AS " + column + " - INTERVAL ..." : time + " for table " + source + " (its WATERMARK "
                    + "column); write ORDER BY " + time));
            return false;
        }
        return true;
    }

    /** The alert's fields: the selected columns, in order; {@code *} is the partition columns, then every measure. */
    private List<EmitField> select(MatchRecognizeParser.CreateViewContext ctx, List<FieldPath> partitionBy,
            Map<String, EmitField> measures) {
        List<EmitField> emit = new ArrayList<>();
        String alias = ctx.alias == null ? null : name(ctx.alias);
        MatchRecognizeParser.SelectListContext list = ctx.selectList();
        List<MatchRecognizeParser.SelectItemContext> items = list.STAR() != null ? List.of() : list.selectItem();
        boolean all = list.STAR() != null;
        boolean ok = true;
        for (MatchRecognizeParser.SelectItemContext item : items) {
            if (item.qualifier != null && !name(item.qualifier).equals(alias)) {
                diagnostics.error(spans.of(item.qualifier), "'" + name(item.qualifier) + "' is not the "
                        + "MATCH_RECOGNIZE's alias" + (alias == null ? " (it has none: add AS T after its ')')"
                                : "; expected " + alias));
                ok = false;
            } else if (item.STAR() != null) {
                all = true;
            }
        }
        if (all) {
            if (items.size() > 1) {
                diagnostics.error(spans.of(list), "select * alone, or name the columns");
                return null;
            }
            for (FieldPath key : partitionBy) {
                emit.add(partitionColumn(key, key.span()));
            }
            emit.addAll(measures.values());
            return ok ? emit : null;
        }
        for (MatchRecognizeParser.SelectItemContext item : items) {
            String column = name(item.column);
            EmitField measure = measures.get(column);
            FieldPath key = partitionBy.stream().filter(k -> k.dotted().equals(column)).findFirst().orElse(null);
            if (measure != null) {
                emit.add(measure);
            } else if (key != null) {
                emit.add(partitionColumn(key, spans.of(item.column)));
            } else {
                diagnostics.error(spans.of(item.column), "column '" + column + "' is neither a measure nor a "
                        + "PARTITION BY column; the match's columns are " + String.join(", ", columns(partitionBy,
                                measures)));
                ok = false;
            }
        }
        return ok ? emit : null;
    }

    private static EmitField partitionColumn(FieldPath key, Span span) {
        return new EmitField(key.segments().get(key.segments().size() - 1), new Expr.Ref(key.segments(), span), span);
    }

    private static List<String> columns(List<FieldPath> partitionBy, Map<String, EmitField> measures) {
        List<String> names = new ArrayList<>();
        partitionBy.forEach(key -> names.add(key.dotted()));
        names.addAll(measures.keySet());
        return names.isEmpty() ? List.of("none (add MEASURES)") : names;
    }

    private AfterMatchSkip skip(MatchRecognizeParser.SkipToContext ctx, Span ruleSpan) {
        if (ctx == null) {
            // Flink SQL's default (Calcite's), not the standard's PAST LAST ROW: what the same query means in Flink
            return new AfterMatchSkip(AfterMatchSkip.Kind.TO_NEXT_EVENT, null, ruleSpan);
        }
        Span span = spans.of(ctx);
        if (ctx instanceof MatchRecognizeParser.SkipPastLastRowContext) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.PAST_LAST_EVENT, null, span);
        }
        if (ctx instanceof MatchRecognizeParser.SkipToNextRowContext) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.TO_NEXT_EVENT, null, span);
        }
        if (ctx instanceof MatchRecognizeParser.SkipToFirstContext first) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.TO_FIRST, name(first.name()), spans.of(first.name()));
        }
        MatchRecognizeParser.NameContext variable = ctx instanceof MatchRecognizeParser.SkipToLastContext last
                ? last.name() : ((MatchRecognizeParser.SkipToVariableContext) ctx).name();
        return new AfterMatchSkip(AfterMatchSkip.Kind.TO_LAST, name(variable), spans.of(variable));
    }

    /** {@code INTERVAL '10' MINUTE} in milliseconds, or null after reporting why it is not one. */
    private Long interval(MatchRecognizeParser.IntervalContext ctx, boolean zeroAllowed) {
        String unit = name(ctx.unit).toUpperCase(Locale.ROOT);
        Long unitMillis = UNITS.get(unit.endsWith("S") ? unit.substring(0, unit.length() - 1) : unit);
        if (unitMillis == null) {
            diagnostics.error(spans.of(ctx.unit), "unknown interval unit '" + name(ctx.unit) + "'; expected "
                    + "MILLISECOND, SECOND, MINUTE, HOUR or DAY");
            return null;
        }
        String amount = ExprBuilder.unquoteString(ctx.amount.getText()).trim();
        try {
            long millis = Math.multiplyExact(Long.parseLong(amount), unitMillis);
            if (millis < 0 || millis == 0 && !zeroAllowed) {
                diagnostics.error(spans.of(ctx.amount), "the interval must be " + (zeroAllowed ? "0 or more" :
                        "positive") + ", got '" + amount + "'");
                return null;
            }
            return millis;
        } catch (NumberFormatException | ArithmeticException e) {
            diagnostics.error(spans.of(ctx.amount), "an interval needs a whole number in quotes, as in INTERVAL '10' "
                    + "MINUTE, got '" + amount + "'");
            return null;
        }
    }

    private Expr expression(List<? extends ParserRuleContext> tokens) {
        return expressions.read(tokens.get(0).getStart(), tokens.get(tokens.size() - 1).getStop());
    }

    private FieldPath path(MatchRecognizeParser.ColumnPathContext ctx) {
        List<String> segments = new ArrayList<>();
        for (MatchRecognizeParser.NameContext name : ctx.name()) {
            segments.add(name(name));
        }
        return new FieldPath(segments, spans.of(ctx));
    }

    static String name(MatchRecognizeParser.NameContext ctx) {
        String text = ctx.getText();
        return ctx.QUOTED_IDENT() != null ? text.substring(1, text.length() - 1).replace("``", "`") : text;
    }
}

package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.FieldType;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.SinkRef;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.dsl.ast.Window;
import dev.vigil.dsl.grammar.CepParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the AST of {@code STREAM} and {@code RULE} statements from a parse tree that has no syntax errors.
 * Reports what the grammar lets through on purpose so it can explain it better: misspelt duration units and
 * type names, unknown severities, a clause written twice, a missing FROM or PATTERN. Names are not resolved
 * here; that is the checker's job.
 */
final class AstBuilder {
    private static final Map<String, FieldType> TYPES = Map.of("STRING", FieldType.STRING, "LONG", FieldType.LONG,
            "INT", FieldType.LONG, "INTEGER", FieldType.LONG, "BIGINT", FieldType.LONG, "DOUBLE", FieldType.DOUBLE,
            "FLOAT", FieldType.DOUBLE, "BOOLEAN", FieldType.BOOLEAN, "BOOL", FieldType.BOOLEAN,
            "TIMESTAMP", FieldType.TIMESTAMP);
    private static final Set<String> SEVERITIES = Set.copyOf(Rule.SEVERITIES);

    private final Diagnostics diagnostics;
    private final Spans spans;
    private final ExprBuilder exprs;
    private final PatternBuilder patterns;

    AstBuilder(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.spans = new Spans(diagnostics);
        this.exprs = new ExprBuilder(diagnostics, spans, ctx -> window(ctx, "OVER (LAST ...)"));
        this.patterns = new PatternBuilder(diagnostics, spans, this::window);
    }

    /** The stream declaration, or {@code null} when a field type is unknown (reported). */
    StreamDecl stream(CepParser.StreamDeclContext ctx) {
        List<FieldDecl> fields = new ArrayList<>();
        boolean typesKnown = true;
        for (CepParser.FieldDeclContext field : ctx.fieldDecl()) {
            String typeName = Names.of(field.typeName);
            FieldType type = TYPES.get(typeName.toUpperCase(Locale.ROOT));
            if (type == null) {
                diagnostics.error(spans.of(field.typeName), "unknown type '" + typeName + "'; expected STRING, LONG,"
                        + " DOUBLE, BOOLEAN or TIMESTAMP");
                typesKnown = false;
                continue;
            }
            fields.add(new FieldDecl(fieldPath(field.fieldPath()), type, spans.of(field.fieldPath())));
        }
        FieldPath eventTime = null;
        long watermarkDelayMs = -1;
        boolean delaySeen = false;
        for (CepParser.StreamOptionContext option : ctx.streamOption()) {
            if (option instanceof CepParser.EventTimeOptionContext time) {
                if (eventTime != null) {
                    twice(option, "EVENT TIME", "stream");
                }
                eventTime = fieldPath(time.fieldPath());
            } else {
                if (delaySeen) {
                    twice(option, "WATERMARK DELAY", "stream");
                }
                delaySeen = true;
                Long delay = duration(((CepParser.WatermarkOptionContext) option).duration());
                watermarkDelayMs = delay == null ? 0 : delay;
            }
        }
        return typesKnown ? new StreamDecl(Names.of(ctx.name()), fields, eventTime, watermarkDelayMs,
                spans.of(ctx.name())) : null;
    }

    /** The rule, or {@code null} when FROM or PATTERN is missing (reported). */
    Rule rule(CepParser.RuleDeclContext ctx) {
        String name = Names.of(ctx.name());
        Span nameSpan = spans.of(ctx.name());
        Map<String, CepParser.RuleClauseContext> seen = new HashMap<>();
        String severity = null;
        List<String> from = List.of();
        List<Span> fromSpans = new ArrayList<>();
        List<FieldPath> partitionBy = new ArrayList<>();
        Pattern pattern = null;
        Window within = null;
        Window gapWithin = null;
        List<EmitField> emit = new ArrayList<>();
        List<EmitField> timeoutEmit = null;
        AfterMatchSkip skip = null;
        Window suppress = null;
        List<SinkRef> sinks = new ArrayList<>();
        for (CepParser.RuleClauseContext clause : ctx.ruleClause()) {
            String kind = clauseName(clause);
            if (seen.putIfAbsent(kind, clause) != null) {
                twice(clause, kind, "rule");
            }
            if (clause instanceof CepParser.FromClauseContext fromClause) {
                fromSpans.clear();
                from = fromStreams(fromClause, fromSpans);
            }
        }
        for (CepParser.RuleClauseContext clause : ctx.ruleClause()) {
            if (clause instanceof CepParser.SeverityClauseContext s) {
                severity = severity(s);
            } else if (clause instanceof CepParser.PartitionClauseContext p) {
                for (CepParser.FieldPathContext path : p.fieldPath()) {
                    partitionBy.add(fieldPath(path));
                }
            } else if (clause instanceof CepParser.PatternClauseContext p) {
                pattern = patterns.pattern(p.pattern());
            } else if (clause instanceof CepParser.WithinClauseContext w) {
                Window window = window(w.duration());
                if (w.BETWEEN() != null) {
                    gapWithin = window;
                } else {
                    within = window;
                }
            } else if (clause instanceof CepParser.EmitClauseContext e) {
                emit = emitFields(e.emitField());
            } else if (clause instanceof CepParser.TimeoutClauseContext t) {
                timeoutEmit = emitFields(t.emitField());
            } else if (clause instanceof CepParser.SkipClauseContext s) {
                skip = skip(s.skipTarget());
            } else if (clause instanceof CepParser.SinkClauseContext t) {
                for (CepParser.SinkContext sink : t.sink()) {
                    sinks.add(sink(sink));
                }
            } else if (clause instanceof CepParser.SuppressClauseContext s) {
                suppress = window(s.duration(), "SUPPRESS FOR");
            }
        }
        List<VarDef> defines = new ArrayList<>();
        for (CepParser.RuleClauseContext clause : ctx.ruleClause()) {
            if (clause instanceof CepParser.DefineClauseContext d) {
                for (CepParser.VarDefContext def : d.varDef()) {
                    defines.add(varDef(def, from));
                }
            }
        }
        if (!seen.containsKey("FROM")) {
            diagnostics.error(nameSpan, "rule '" + name + "' has no FROM clause; expected FROM followed by the "
                    + "streams it reads, e.g. FROM payments");
        }
        if (!seen.containsKey("PATTERN")) {
            diagnostics.error(nameSpan, "rule '" + name + "' has no PATTERN clause; expected PATTERN followed by "
                    + "the sequence to find, e.g. PATTERN a -> b");
        }
        if (from.isEmpty() || pattern == null) {
            return null;
        }
        if (skip == null) {
            skip = AfterMatchSkip.pastLastEvent(nameSpan);
        }
        return new Rule(name, severity, from, partitionBy, pattern, within, gapWithin, defines, emit, timeoutEmit,
                skip, sinks, nameSpan, fromSpans, suppress);
    }

    private static String clauseName(CepParser.RuleClauseContext clause) {
        if (clause instanceof CepParser.WithinClauseContext w) {
            return w.BETWEEN() != null ? "WITHIN ... BETWEEN EVENTS" : "WITHIN";
        }
        if (clause instanceof CepParser.PartitionClauseContext) {
            return "PARTITION BY";
        }
        if (clause instanceof CepParser.TimeoutClauseContext) {
            return "ON TIMEOUT EMIT";
        }
        if (clause instanceof CepParser.SkipClauseContext) {
            return "AFTER MATCH SKIP";
        }
        if (clause instanceof CepParser.SuppressClauseContext) {
            return "SUPPRESS FOR";
        }
        return clause.getStart().getText().toUpperCase(Locale.ROOT);
    }

    private void twice(org.antlr.v4.runtime.ParserRuleContext clause, String kind, String statement) {
        diagnostics.error(spans.of(clause.getStart()), kind + " is given twice; each clause may appear once per "
                + statement);
    }

    private List<String> fromStreams(CepParser.FromClauseContext ctx, List<Span> spansOut) {
        List<String> streams = new ArrayList<>();
        for (CepParser.NameContext stream : ctx.name()) {
            String name = Names.of(stream);
            if (streams.contains(name)) {
                diagnostics.error(spans.of(stream), "stream '" + name + "' is listed twice in FROM");
                continue;
            }
            streams.add(name);
            spansOut.add(spans.of(stream));
        }
        return streams;
    }

    private String severity(CepParser.SeverityClauseContext ctx) {
        String word = Names.of(ctx.name()).toLowerCase(Locale.ROOT);
        if (!SEVERITIES.contains(word)) {
            diagnostics.error(spans.of(ctx.name()), "unknown severity '" + Names.of(ctx.name())
                    + "'; expected low, medium, high or critical");
        }
        return word;
    }

    private VarDef varDef(CepParser.VarDefContext ctx, List<String> from) {
        String name = Names.of(ctx.name());
        Expr until = ctx.expr().size() > 1 ? exprs.expr(ctx.expr(1)) : null;
        CepParser.PrimaryContext primary = ExprBuilder.barePrimary(ctx.expr(0));
        if (primary instanceof CepParser.RefPrimaryContext ref && ref.name().size() == 1
                && from.contains(Names.of(ref.name(0)))) {
            return new VarDef(name, Names.of(ref.name(0)), null, until, spans.of(ctx.name()));
        }
        if (primary instanceof CepParser.CallPrimaryContext call && from.contains(Names.of(call.name()))) {
            String stream = Names.of(call.name());
            if (call.expr().size() > 1) {
                diagnostics.error(spans.of(call), "binding '" + name + "' to stream " + stream + " takes one "
                        + "condition, got " + call.expr().size() + "; join them with AND: " + stream
                        + "(a AND b)");
            }
            Expr condition = call.expr().isEmpty() ? null : exprs.expr(call.expr(0));
            return new VarDef(name, stream, condition, until, spans.of(ctx.name()));
        }
        return new VarDef(name, null, exprs.expr(ctx.expr(0)), until, spans.of(ctx.name()));
    }

    private List<EmitField> emitFields(List<CepParser.EmitFieldContext> fields) {
        List<EmitField> out = new ArrayList<>();
        for (CepParser.EmitFieldContext field : fields) {
            out.add(new EmitField(Names.of(field.name()), exprs.expr(field.expr()), spans.of(field.name())));
        }
        return out;
    }

    private AfterMatchSkip skip(CepParser.SkipTargetContext ctx) {
        Span span = spans.of(ctx);
        if (ctx instanceof CepParser.NoSkipContext) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.NO_SKIP, null, span);
        }
        if (ctx instanceof CepParser.ToNextEventContext) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.TO_NEXT_EVENT, null, span);
        }
        if (ctx instanceof CepParser.PastLastEventContext) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.PAST_LAST_EVENT, null, span);
        }
        if (ctx instanceof CepParser.ToFirstContext first) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.TO_FIRST, Names.of(first.name()), spans.of(first.name()));
        }
        CepParser.ToLastContext last = (CepParser.ToLastContext) ctx;
        return new AfterMatchSkip(AfterMatchSkip.Kind.TO_LAST, Names.of(last.name()), spans.of(last.name()));
    }

    /** Type words are keywords in spirit, so any case; configured names keep their case like other names. */
    private SinkRef sink(CepParser.SinkContext ctx) {
        String word = Names.of(ctx.name());
        Span span = spans.of(ctx);
        if (ctx.target != null) {
            return SinkRef.inline(word, ExprBuilder.unquoteString(ctx.target.getText()), span);
        }
        String lower = word.toLowerCase(Locale.ROOT);
        return SinkRef.isTypeWord(lower) ? new SinkRef(lower, null, span) : SinkRef.named(word, span);
    }

    private Window window(CepParser.DurationContext ctx) {
        return window(ctx, "WITHIN");
    }

    private Window window(CepParser.DurationContext ctx, String clause) {
        Long millis = duration(ctx);
        if (millis == null) {
            return null;
        }
        if (millis <= 0) {
            diagnostics.error(spans.of(ctx), clause + " needs a positive duration, got " + spans.text(ctx));
            return null;
        }
        return new Window(millis, spans.of(ctx));
    }

    /** Milliseconds, or {@code null} after reporting why the duration is not one. */
    private Long duration(CepParser.DurationContext ctx) {
        Span span = spans.of(ctx);
        if (ctx.COMPACT_DURATION() != null) {
            String text = ctx.COMPACT_DURATION().getText();
            int split = Durations.unitStart(text);
            long unit = Durations.compactUnitMillis(text.substring(split));
            if (unit < 0) {
                diagnostics.error(span, ExprBuilder.unknownCompactUnit(text, split));
                return null;
            }
            return times(text.substring(0, split), unit, span);
        }
        String amount = ctx.amount.getText();
        if (ctx.badUnit != null) {
            diagnostics.error(spans.of(ctx.badUnit), "unknown duration unit '" + ctx.badUnit.getText()
                    + "'; expected " + Durations.UNIT_CHOICES);
            return null;
        }
        if (ctx.durationUnit() == null) {
            diagnostics.error(spans.of(ctx.amount), "expected a duration unit (" + Durations.UNITS + ") after "
                    + amount);
            return null;
        }
        if (ctx.amount.getType() == dev.vigil.dsl.grammar.CepLexer.DECIMAL) {
            diagnostics.error(spans.of(ctx.amount), "a duration needs a whole number, got " + amount
                    + "; use a smaller unit (1.5 HOURS is 90 MINUTES)");
            return null;
        }
        return times(amount, Durations.unitMillis(ctx.durationUnit().getStart()), span);
    }

    private Long times(String digits, long unitMillis, Span span) {
        try {
            return Math.multiplyExact(Long.parseLong(digits), unitMillis);
        } catch (ArithmeticException | NumberFormatException e) {
            diagnostics.error(span, "duration is too long; it must fit in " + Long.MAX_VALUE + " milliseconds");
            return null;
        }
    }

    private FieldPath fieldPath(CepParser.FieldPathContext ctx) {
        List<String> segments = new ArrayList<>();
        for (CepParser.NameContext name : ctx.name()) {
            segments.add(Names.of(name));
        }
        return new FieldPath(segments, spans.of(ctx));
    }
}

package dev.vigil.dsl;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.dsl.ast.Expr.LiteralKind;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.FieldType;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.SinkRef;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.dsl.ast.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of syntactically valid ASTs that use every construct, for the printer round-trip
 * property. The trees need not make sense (types, Flink rules): only the syntax pass reads them back.
 * Names are drawn to include reserved and non-reserved keywords and names that need backquotes.
 */
final class RandomAst {
    private static final String[] NAMES = {"a", "b", "c", "amount", "card_id", "Payments", "x1", "_tmp",
        "stream", "ts", "first", "last", "seconds", "time", "event", "rule", "to",
        "from", "and", "greedy", "on", "within", "null", "matches", "between",
        "two words", "tick`tock", "9lives", "café"};
    private static final String[] FUNCTIONS = {"LOWER", "CONCAT", "SUBSTRING", "COUNT", "FIRST", "LAST", "SUM",
        "GEO_DISTANCE", "COALESCE", "IN", "NOT_A_FUNCTION", "PAYMENTS"};
    private static final String[] STRINGS = {"", "x", "it's", "''", "a\nb", "-- not a comment", "/* nor */",
        "100%", "ümlaut", "`"};
    private static final String[] SEVERITIES = {"low", "medium", "high", "critical"};
    private static final Span NONE = Span.NONE;

    private final Random random;

    RandomAst(long seed) {
        this.random = new Random(seed);
    }

    RuleFile file() {
        List<StreamDecl> streams = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            streams.add(stream());
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
            rules.add(rule());
        }
        return new RuleFile("random.cep", streams, rules);
    }

    private StreamDecl stream() {
        List<FieldDecl> fields = new ArrayList<>();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            fields.add(new FieldDecl(path(), pick(FieldType.values()), NONE));
        }
        FieldPath time = random.nextBoolean() ? path() : null;
        long delay = random.nextInt(4) == 0 ? -1 : random.nextInt(3) * 1000L + random.nextInt(2);
        return new StreamDecl(name(), fields, time, delay, NONE);
    }

    private Rule rule() {
        List<String> from = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            String stream = random.nextInt(4) == 0 ? "S" : name();
            if (!from.contains(stream)) {
                from.add(stream);
            }
        }
        List<FieldPath> partition = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            partition.add(path());
        }
        Pattern pattern = pattern(0);
        List<String> variables = new ArrayList<>();
        collect(pattern, variables);
        List<VarDef> defines = new ArrayList<>();
        for (String variable : variables) {
            if (random.nextInt(3) > 0) {
                defines.add(varDef(variable, from));
            }
        }
        List<EmitField> emit = emit();
        List<EmitField> timeoutEmit = random.nextInt(3) == 0 ? null : random.nextBoolean() ? List.of() : emit();
        return new Rule(name(), random.nextBoolean() ? null : pick(SEVERITIES), from, partition, pattern,
                random.nextBoolean() ? window() : null, random.nextBoolean() ? window() : null, defines, emit,
                timeoutEmit, skip(variables), sinks(), NONE).withSuppress(random.nextInt(4) == 0 ? window() : null);
    }

    /** No TO clause half of the time; else configured names (keywords and odd ones too), log and inline sinks. */
    private List<SinkRef> sinks() {
        List<SinkRef> sinks = new ArrayList<>();
        for (int i = random.nextBoolean() ? 0 : 1 + random.nextInt(3); i > 0; i--) {
            int shape = random.nextInt(4);
            String name = name();
            SinkRef sink = shape == 0 ? SinkRef.log(NONE)
                    : shape == 1 ? SinkRef.inline(SinkRef.WEBHOOK, "https://h.example/" + pick(STRINGS), NONE)
                    : shape == 2 ? SinkRef.inline(SinkRef.FILE, "a/" + pick(STRINGS), NONE)
                    : SinkRef.isTypeWord(name.toLowerCase(java.util.Locale.ROOT)) ? SinkRef.log(NONE)
                    : SinkRef.named(name, NONE);
            if (!sinks.contains(sink)) {
                sinks.add(sink);
            }
        }
        return sinks;
    }

    private VarDef varDef(String variable, List<String> from) {
        Expr until = random.nextInt(4) == 0 ? expr(2) : null;
        int shape = random.nextInt(5);
        if (shape == 0) {
            return new VarDef(variable, pick(from), null, until, NONE);
        }
        if (shape == 1) {
            return new VarDef(variable, pick(from), expr(3), until, NONE);
        }
        if (shape == 2) {
            // a field or function spelt like a FROM stream: must not read back as a binding
            String stream = pick(from);
            Expr lookalike = random.nextBoolean() ? new Expr.Ref(List.of(stream), NONE)
                    : new Expr.Call(stream.toUpperCase(java.util.Locale.ROOT), List.of(expr(1)), NONE);
            return new VarDef(variable, null, lookalike, until, NONE);
        }
        return new VarDef(variable, null, expr(3), until, NONE);
    }

    private List<EmitField> emit() {
        List<EmitField> fields = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            fields.add(new EmitField(name(), expr(3), NONE));
        }
        return fields;
    }

    private AfterMatchSkip skip(List<String> variables) {
        AfterMatchSkip.Kind kind = pick(AfterMatchSkip.Kind.values());
        boolean named = kind == AfterMatchSkip.Kind.TO_FIRST || kind == AfterMatchSkip.Kind.TO_LAST;
        return new AfterMatchSkip(kind, named ? pick(variables) : null, NONE);
    }

    private Window window() {
        long[] sizes = {1, 999, 1000, 60_000, 90_000, 3_600_000, 86_400_000};
        return new Window(pick(sizes) * (1 + random.nextInt(3)), NONE);
    }

    // ------------------------------------------------------------------ patterns

    private Pattern pattern(int depth) {
        List<Pattern.Stage> stages = new ArrayList<>();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            Contiguity contiguity = stages.isEmpty() ? Contiguity.STRICT : pick(Contiguity.values());
            int kind = depth < 2 ? random.nextInt(9) : 8;
            Pattern.Element element = kind == 0 ? new Pattern.Group(pattern(depth + 1), NONE)
                    : kind == 1 ? new Pattern.Alternation(List.of(pattern(depth + 1), pattern(depth + 1)), NONE)
                    : kind == 2 ? new Pattern.Permutation(List.of(pattern(depth + 1), pattern(depth + 1)), NONE)
                    : new Pattern.Variable(name(), NONE);
            Window gap = random.nextInt(6) == 0 ? new Window(1 + random.nextInt(90_000), NONE) : null;
            stages.add(new Pattern.Stage(contiguity, random.nextInt(5) == 0, element,
                    random.nextBoolean() ? quantifier() : null, gap, NONE));
        }
        return new Pattern(stages, NONE);
    }

    private Pattern.Quantifier quantifier() {
        int min = random.nextInt(4);
        int max = random.nextBoolean() ? Pattern.Quantifier.UNBOUNDED : Math.max(1, min + random.nextInt(3));
        Contiguity inner = random.nextBoolean() ? null : pick(Contiguity.values());
        if (min > 1 && random.nextInt(3) == 0) { // {n,m} OPTIONAL
            return new Pattern.Quantifier(0, max, min, random.nextBoolean(), inner, NONE);
        }
        return new Pattern.Quantifier(min, max, random.nextBoolean(), inner, NONE);
    }

    private static void collect(Pattern pattern, List<String> out) {
        for (Pattern.Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Variable v) {
                out.add(v.name());
            }
            for (Pattern body : stage.element().bodies()) {
                collect(body, out);
            }
        }
    }

    // ------------------------------------------------------------------ expressions

    Expr expr(int depth) {
        int choice = depth <= 0 ? random.nextInt(3) : random.nextInt(11);
        switch (choice) {
            case 0:
                return literal();
            case 1:
                return new Expr.Ref(names(1 + random.nextInt(3)), NONE);
            case 2:
                return new Expr.Call(pick(FUNCTIONS), exprs(random.nextInt(3), depth - 1), NONE);
            case 3:
                return new Expr.Unary(pick(Expr.UnaryOp.values()), expr(depth - 1), NONE);
            case 4:
            case 5:
                return new Expr.Binary(pick(BinaryOp.values()), expr(depth - 1), expr(depth - 1), NONE);
            case 6:
                return new Expr.In(expr(depth - 1), exprs(1 + random.nextInt(3), depth - 1), random.nextBoolean(),
                        NONE);
            case 7:
                return new Expr.Between(expr(depth - 1), expr(depth - 1), expr(depth - 1), random.nextBoolean(),
                        NONE);
            case 8:
                return new Expr.IsNull(expr(depth - 1), random.nextBoolean(), NONE);
            case 9:
                return new Expr.Like(expr(depth - 1), expr(depth - 1), random.nextBoolean(), NONE);
            default:
                return new Expr.RegexMatch(expr(depth - 1), expr(depth - 1), random.nextBoolean(), NONE);
        }
    }

    private List<Expr> exprs(int count, int depth) {
        List<Expr> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(expr(depth));
        }
        return out;
    }

    private Expr literal() {
        switch (random.nextInt(9)) {
            case 0:
                long[] longs = {0, 1, -1, 42, Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong()};
                return new Expr.Literal(pick(longs), LiteralKind.LONG, NONE);
            case 1:
                double[] doubles = {0.0, -0.0, 2.5, -2.5, 1e300, 1e-300, 123456.789, random.nextGaussian()};
                return new Expr.Literal(pick(doubles), LiteralKind.DOUBLE, NONE);
            case 2:
                return new Expr.Literal(pick(STRINGS), LiteralKind.STRING, NONE);
            case 3:
                return new Expr.Literal(random.nextBoolean(), LiteralKind.BOOLEAN, NONE);
            case 4:
                return new Expr.Literal(null, LiteralKind.NULL, NONE);
            default:
                long[] millis = {0, 1, 1500, 1000, 60_000, -60_000, 3_600_000, 86_400_000 * 3L, Long.MIN_VALUE};
                return new Expr.Literal(pick(millis), LiteralKind.DURATION, NONE);
        }
    }

    // ------------------------------------------------------------------ names

    private String name() {
        return NAMES[random.nextInt(NAMES.length)];
    }

    private List<String> names(int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(name());
        }
        return out;
    }

    private FieldPath path() {
        return new FieldPath(names(1 + random.nextInt(2)), NONE);
    }

    private <T> T pick(T[] items) {
        return items[random.nextInt(items.length)];
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private long pick(long[] items) {
        return items[random.nextInt(items.length)];
    }

    private double pick(double[] items) {
        return items[random.nextInt(items.length)];
    }
}

package dev.vigil.nfa;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseResult;
import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.nfa.compile.Budget;
import dev.vigil.nfa.compile.NfaCompiler;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.expr.ExpressionCompiler;
import dev.vigil.nfa.program.Nfa;
import dev.vigil.nfa.program.PatternVariables;
import dev.vigil.nfa.program.RuleProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The whole compile pipeline in one place: rule text → checked AST ({@code cep-dsl}) → per variable compiled
 * conditions → NFA → {@link CompiledRule}. A newcomer reads this first.
 *
 * <p>The DSL checker has already rejected every mistake an author can make; anything the engine's compilers
 * still refuse is a bug, reported as a diagnostic at the rule (never a stack trace) so one bad rule does not
 * hide the others.
 *
 * <p>Every compile runs under {@link CompileLimits}: the rule language bounds nesting and quantifier counts, the
 * NFA compiler bounds each rule's states, transitions and time. A rule beyond a limit gets a diagnostic at the rule
 * naming the limit. So compiling any text ends, in time about linear in its length, and never with a stack
 * overflow: the limits keep recursion shallow, and should a thread's stack still be too small the compile reports
 * that as a diagnostic too.
 */
public final class RuleCompiler {
    private RuleCompiler() {}

    /** Parses, checks and compiles rule text under {@link CompileLimits#DEFAULTS}. */
    public static CompileResult compile(String fileName, String text) {
        return compile(fileName, text, CompileLimits.DEFAULTS);
    }

    /** Parses, checks and compiles rule text; what exceeds {@code limits} is refused with a diagnostic. */
    public static CompileResult compile(String fileName, String text, CompileLimits limits) {
        return compile(fileName, text, limits, System::nanoTime);
    }

    /**
     * As {@link #compile(String, String, CompileLimits)}, checking the rules' streams that the text does not declare
     * against {@code known} declarations (a server's, held by its running rules) as if the text declared them. Only
     * the checks see them: what compiles is the same as without, so a recovery compiles a logged text alone.
     */
    public static CompileResult compile(String fileName, String text, CompileLimits limits, List<StreamDecl> known) {
        return compile(fileName, text, limits, known, System::nanoTime);
    }

    /** As {@link #compile(String, String, CompileLimits)}, timing each rule's compile with {@code nanoClock}. */
    static CompileResult compile(String fileName, String text, CompileLimits limits, LongSupplier nanoClock) {
        return compile(fileName, text, limits, List.of(), nanoClock);
    }

    private static CompileResult compile(String fileName, String text, CompileLimits limits, List<StreamDecl> known,
            LongSupplier nanoClock) {
        try {
            ParseResult parsed = RuleParser.parse(fileName, text, limits.parseLimits(), known);
            if (!parsed.ok()) {
                return new CompileResult(List.of(), List.of(), parsed.diagnostics());
            }
            return compile(parsed.file(), text, limits, nanoClock);
        } catch (StackOverflowError tooDeep) {
            // not reached under the limits on a thread with the JVM's default stack; reported, never thrown
            Diagnostics diagnostics = new Diagnostics(fileName, text);
            diagnostics.exceeded(Span.NONE, "the text nests too deeply to compile on this thread's stack; lower "
                    + "its nesting (" + CompileLimits.NESTING_DEPTH + " is " + limits.maxNestingDepth() + ")",
                    CompileLimits.NESTING_DEPTH);
            return new CompileResult(List.of(), List.of(), diagnostics.sorted());
        } catch (RuntimeException bug) {
            Diagnostics diagnostics = new Diagnostics(fileName, text);
            diagnostics.error(Span.NONE, "internal error reading the rule text: " + bug
                    + " (please report this with the rule text)");
            return new CompileResult(List.of(), List.of(), diagnostics.sorted());
        }
    }

    /** Compiles an already checked AST under {@link CompileLimits#DEFAULTS}. */
    public static CompileResult compile(RuleFile file) {
        return compile(file, null, CompileLimits.DEFAULTS, System::nanoTime);
    }

    private static CompileResult compile(RuleFile file, String text, CompileLimits limits, LongSupplier nanoClock) {
        Map<String, StreamDecl> streams = new HashMap<>();
        for (StreamDecl stream : file.streams()) {
            streams.putIfAbsent(stream.name(), stream);
        }
        List<CompiledRule> rules = new ArrayList<>();
        Diagnostics problems = new Diagnostics(file.fileName(), text == null ? "" : text);
        for (Rule rule : file.rules()) {
            Budget budget = new Budget(limits.maxNfaStates(), limits.maxNfaTransitions(), limits.compileTimeoutMs(),
                    nanoClock);
            try {
                rules.add(compileRule(rule, streams, budget));
            } catch (Budget.Exceeded exceeded) {
                problems.exceeded(rule.span(), "rule '" + rule.name() + "' " + exceeded.getMessage() + " ("
                        + exceeded.limit() + ")" + advice(exceeded.limit()), exceeded.limit());
            } catch (RuntimeException bug) {
                problems.error(rule.span(), "internal error compiling rule '" + rule.name() + "': " + bug.getMessage()
                        + " (please report this with the rule text)");
            }
        }
        return new CompileResult(rules, file.streams(), problems.sorted());
    }

    private static String advice(String limit) {
        if (limit.equals(CompileLimits.COMPILE_TIMEOUT)) {
            return "; make the pattern smaller (fewer stages, lower counts)";
        }
        return ": Flink CEP makes one state per stage and per repetition of a counted quantifier, and groups repeat "
                + "their bodies; use fewer stages or lower counts (+ and * loop in one state)";
    }

    static CompiledRule compileRule(Rule rule, Map<String, StreamDecl> streams, Budget budget) {
        List<String> variables = PatternVariables.of(rule.pattern());
        ExpressionCompiler expressions = new ExpressionCompiler(variables);

        Map<String, Condition> conditions = new HashMap<>();
        Map<String, Condition> untils = new HashMap<>();
        for (VarDef def : rule.defines()) {
            Condition condition = expressions.condition(def.condition());
            if (def.stream() != null && rule.from().size() > 1) {
                condition = new StreamBoundCondition(def.stream(), condition);
            }
            conditions.put(def.name(), condition);
            if (def.until() != null) {
                untils.put(def.name(), expressions.condition(def.until()));
            }
        }
        long withinMs = rule.within() == null ? -1 : rule.within().millis();
        long gapWithinMs = rule.gapWithin() == null ? -1 : rule.gapWithin().millis();
        Nfa nfa = NfaCompiler.compile(rule.pattern(), conditions, untils, withinMs, gapWithinMs, rule.skip(), budget);

        Map<String, Long> delays = new LinkedHashMap<>();
        for (String stream : rule.from()) {
            StreamDecl decl = streams.get(stream);
            if (decl != null && decl.watermarkDelayMs() >= 0) {
                delays.put(stream, decl.watermarkDelayMs());
            }
        }
        List<List<String>> partitionBy = new ArrayList<>();
        for (FieldPath path : rule.partitionBy()) {
            partitionBy.add(path.segments());
        }
        return new CompiledRule(rule.name(), 1, rule.severity(), rule.from(), partitionBy, delays, rule,
                new RuleProgram(nfa, emitFields(rule.emit(), expressions), rule.timeoutEmit() == null ? null
                        : emitFields(rule.timeoutEmit(), expressions), expressions.windows()));
    }

    private static List<RuleProgram.EmitField> emitFields(List<dev.vigil.dsl.ast.EmitField> fields,
            ExpressionCompiler expressions) {
        List<RuleProgram.EmitField> compiled = new ArrayList<>(fields.size());
        for (dev.vigil.dsl.ast.EmitField field : fields) {
            compiled.add(new RuleProgram.EmitField(field.name(), expressions.value(field.expression())));
        }
        return compiled;
    }

    /** {@code v AS stream(condition)} in a multi-stream rule: the event must come from that stream. */
    private record StreamBoundCondition(String stream, Condition condition) implements Condition {
        @Override
        public boolean test(Event event, dev.vigil.nfa.expr.MatchView match) {
            return stream.equals(event.stream()) && condition.test(event, match);
        }

        @Override
        public boolean readsMatch() {
            return condition.readsMatch();
        }
    }
}

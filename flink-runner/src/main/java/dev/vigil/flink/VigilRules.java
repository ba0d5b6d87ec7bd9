package dev.vigil.flink;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.StreamDelays;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules a Vigil job runs, as the texts of their {@code .cep} files and the engine settings, read once at
 * submission: this value travels in the job graph and every task compiles it again in {@code open()}, so no task
 * starts without its rules and no early event is lost. Compiled on creation too, so a mistake in a rule fails the
 * submission with every diagnostic (file:line:column), never a task.
 *
 * <p>Immutable; use the {@code with...} methods.
 *
 * @param files each rule file's name and text, in the order given
 * @param defaultWatermarkDelayMs the watermark delay of streams without a {@code WATERMARK DELAY} declaration
 *     ({@code vigil run --watermark-delay})
 * @param maxPartialMatchesPerKey the bound on partial matches per rule and key ({@code --max-partial-matches})
 * @param maxWorkPerEvent the bound on the work one event may cost a rule's key ({@code --max-work-per-event})
 * @param timeMode event time (the default: events wait for the watermark, the alerts are the input's) or processing
 *     time ({@code vigil run --time processing}: events are matched on arrival, {@code WITHIN} and timeouts on
 *     Flink's processing-time timers)
 */
public record VigilRules(List<RuleFile> files, long defaultWatermarkDelayMs, int maxPartialMatchesPerKey,
        long maxWorkPerEvent, EngineConfig.TimeMode timeMode) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One rule file: its name (for diagnostics) and its text. */
    public record RuleFile(String name, String text) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** @throws IllegalArgumentException the rules do not compile: every diagnostic, rendered with its line */
    public VigilRules {
        files = List.copyOf(files);
        Objects.requireNonNull(timeMode, "timeMode");
        if (defaultWatermarkDelayMs < 0) {
            throw new IllegalArgumentException("watermark delay " + defaultWatermarkDelayMs + " ms is negative");
        }
        EngineConfig.defaults().withMaxPartialMatchesPerKey(maxPartialMatchesPerKey)
                .withMaxWorkPerEvent(maxWorkPerEvent);   // checks both bounds
        new VigilRules.Compiled(files);
    }

    /** The rules of {@code files} (UTF-8 {@code .cep} text) with the engine's default settings. */
    public static VigilRules fromFiles(List<Path> files) {
        List<RuleFile> read = new ArrayList<>();
        for (Path file : files) {
            try {
                read.add(new RuleFile(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read rule file " + file + ": " + e.getMessage(), e);
            }
        }
        return of(read);
    }

    /** The rules of these files with the engine's default settings. */
    public static VigilRules of(List<RuleFile> files) {
        return new VigilRules(files, 0, EngineConfig.DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY,
                EngineConfig.DEFAULT_MAX_WORK_PER_EVENT, EngineConfig.TimeMode.EVENT);
    }

    public VigilRules withDefaultWatermarkDelayMs(long delayMs) {
        return new VigilRules(files, delayMs, maxPartialMatchesPerKey, maxWorkPerEvent, timeMode);
    }

    public VigilRules withMaxPartialMatchesPerKey(int max) {
        return new VigilRules(files, defaultWatermarkDelayMs, max, maxWorkPerEvent, timeMode);
    }

    public VigilRules withMaxWorkPerEvent(long max) {
        return new VigilRules(files, defaultWatermarkDelayMs, maxPartialMatchesPerKey, max, timeMode);
    }

    /**
     * The rules in processing time ({@link EngineConfig.TimeMode#PROCESSING}) or event time: the job's, fixed at
     * submission (restore a savepoint with the time mode it was taken with).
     */
    public VigilRules withTimeMode(EngineConfig.TimeMode mode) {
        return new VigilRules(files, defaultWatermarkDelayMs, maxPartialMatchesPerKey, maxWorkPerEvent, mode);
    }

    /** Whether events are matched on arrival and timers run on the processing-time clock. */
    boolean processingTime() {
        return timeMode == EngineConfig.TimeMode.PROCESSING;
    }

    /** Compiles the rules (in a task's {@code open()}). */
    Compiled compile() {
        return new Compiled(files);
    }

    /** The engine settings of these rules. */
    EngineConfig engineConfig() {
        return EngineConfig.defaults().withTimeMode(timeMode).withDefaultWatermarkDelayMs(defaultWatermarkDelayMs)
                .withMaxPartialMatchesPerKey(maxPartialMatchesPerKey).withMaxWorkPerEvent(maxWorkPerEvent)
                .withKeyBounds(EngineConfig.KeyBounds.unbounded());
    }

    /** The watermark delay of every stream the rules read, as the engine merges them. */
    Map<String, Long> streamDelaysMs() {
        return new LinkedHashMap<>(StreamDelays.merge(compile().rules(), defaultWatermarkDelayMs));
    }

    /**
     * The compiled rules, their stream declarations and their distinct partition specs.
     *
     * @param specs the distinct {@code PARTITION BY} field lists, in the order rules first use them: an event is
     *     keyed once per spec whose rules read its stream
     * @param specOf each rule's index into {@code specs}
     */
    record Compiled(List<CompiledRule> rules, List<StreamDecl> streams, List<List<List<String>>> specs,
            int[] specOf) {
        Compiled(List<RuleFile> files) {
            this(compileAll(files));
        }

        private Compiled(CompileResult all) {
            this(all.rules(), all.streams(), specs(all.rules()), specOf(all.rules()));
        }

        private static CompileResult compileAll(List<RuleFile> files) {
            List<CompiledRule> rules = new ArrayList<>();
            List<StreamDecl> streams = new ArrayList<>();
            List<Diagnostic> diagnostics = new ArrayList<>();
            Map<String, String> fileOfRule = new HashMap<>();
            List<String> refusals = new ArrayList<>();   // rules defined twice, rules the job cannot run
            for (RuleFile file : files) {
                CompileResult result = RuleCompiler.compile(file.name(), file.text());
                diagnostics.addAll(result.diagnostics());
                for (CompiledRule rule : result.rules()) {
                    String unsupported = KeyedRule.unsupported(rule);
                    if (unsupported != null) {
                        refusals.add(file.name() + ": " + unsupported);
                    }
                    String first = fileOfRule.putIfAbsent(rule.name(), file.name());
                    if (first != null) {
                        refusals.add("rule '" + rule.name() + "' is defined in " + first + " and again in "
                                + file.name() + "; rule names must be unique");
                    }
                }
                rules.addAll(result.rules());
                streams.addAll(result.streams());
            }
            if (!diagnostics.isEmpty() || !refusals.isEmpty()) {
                StringBuilder message = new StringBuilder("the rules do not compile:");
                for (Diagnostic diagnostic : diagnostics) {
                    message.append('\n').append(diagnostic.render());
                }
                for (String refusal : refusals) {
                    message.append('\n').append(refusal);
                }
                throw new IllegalArgumentException(message.toString());
            }
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("no rules: the rule files define none");
            }
            return new CompileResult(rules, streams, List.of());
        }

        private static List<List<List<String>>> specs(List<CompiledRule> rules) {
            List<List<List<String>>> specs = new ArrayList<>();
            for (CompiledRule rule : rules) {
                if (!specs.contains(rule.partitionBy())) {
                    specs.add(rule.partitionBy());
                }
            }
            return specs;
        }

        private static int[] specOf(List<CompiledRule> rules) {
            List<List<List<String>>> specs = specs(rules);
            int[] specOf = new int[rules.size()];
            for (int i = 0; i < rules.size(); i++) {
                specOf[i] = specs.indexOf(rules.get(i).partitionBy());
            }
            return specOf;
        }

        /**
         * The decoder of input lines: events checked against the stream declarations, a timestamp required in event
         * time only (in processing time an event without one is stamped on arrival).
         */
        EventDecoder decoder(boolean timestampRequired) {
            return new EventDecoder(streams, timestampRequired);
        }
    }
}

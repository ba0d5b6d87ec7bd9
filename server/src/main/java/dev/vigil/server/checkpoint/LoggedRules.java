package dev.vigil.server.checkpoint;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles rules again from the text they were deployed from (a logged deployment, a checkpoint's rules) at the
 * versions they had, so a recovered server runs the same rules under the same versions (alert ids include them).
 *
 * @param rules the rules compiled, at their recorded versions
 * @param declarations the stream declarations of their texts, each with the rules deployed from it
 * @param problems one line per rule that could not be compiled again (its state is lost)
 */
public record LoggedRules(List<CompiledRule> rules, List<RuleRegistry.Declarations> declarations,
        List<String> problems) {
    public LoggedRules {
        rules = List.copyOf(rules);
        declarations = List.copyOf(declarations);
        problems = List.copyOf(problems);
    }

    /** The rules named in {@code versions} from one deployment's text, compiled under the server's limits. */
    public static LoggedRules compile(String origin, String text, Map<String, Integer> versions, CompileLimits limits) {
        String file = origin.equals(IngestLog.HTTP) ? "request" : origin;
        CompileResult result = RuleCompiler.compile(file, text, limits);
        List<CompiledRule> rules = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> wanted : versions.entrySet()) {
            CompiledRule found = null;
            for (CompiledRule rule : result.rules()) {
                if (rule.name().equals(wanted.getKey())) {
                    found = rule;
                }
            }
            if (found == null || !result.ok()) {
                // the rule language changed under a recorded rule: say so and go on without it
                problems.add("rule '" + wanted.getKey() + "' from " + file + " no longer compiles as recorded; its"
                        + " state is lost" + (result.ok() ? "" : ": " + result.diagnostics().get(0).render()));
            } else {
                rules.add(found.withVersion(wanted.getValue()));
            }
        }
        List<String> names = new ArrayList<>();
        rules.forEach(rule -> names.add(rule.name()));
        List<StreamDecl> streams = result.ok() ? result.streams() : List.of();
        return new LoggedRules(rules, List.of(new RuleRegistry.Declarations(streams, names, file)), problems);
    }

    /** A checkpoint's rules, each text compiled once, in the checkpoint's order. */
    public static LoggedRules compile(List<RuleText> texts, CompileLimits limits) {
        Map<List<String>, Map<String, Integer>> byText = new LinkedHashMap<>();
        for (RuleText text : texts) {
            byText.computeIfAbsent(List.of(text.origin(), text.text()), key -> new LinkedHashMap<>())
                    .put(text.name(), text.version());
        }
        Map<String, CompiledRule> compiled = new LinkedHashMap<>();
        List<RuleRegistry.Declarations> declarations = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<List<String>, Map<String, Integer>> group : byText.entrySet()) {
            LoggedRules part = compile(group.getKey().get(0), group.getKey().get(1), group.getValue(), limits);
            for (CompiledRule rule : part.rules) {
                compiled.put(rule.name(), rule);
            }
            declarations.addAll(part.declarations);
            problems.addAll(part.problems);
        }
        List<CompiledRule> ordered = new ArrayList<>();
        for (RuleText text : texts) {
            CompiledRule rule = compiled.get(text.name());
            if (rule != null) {
                ordered.add(Objects.requireNonNull(rule));
            }
        }
        return new LoggedRules(ordered, declarations, problems);
    }
}

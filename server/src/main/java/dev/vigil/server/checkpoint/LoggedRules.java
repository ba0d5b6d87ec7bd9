package dev.vigil.server.checkpoint;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.RuleText;
import java.time.Instant;
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
public record LoggedRules(List<CompiledRule> rules, List<RuleSet.Declarations> declarations,
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
        return new LoggedRules(rules, List.of(new RuleSet.Declarations(streams, names, file)), problems);
    }

    /**
     * The set these rules make over {@code running} with {@code texts}, what they were compiled from (a deploy's, or
     * a checkpoint's), in order: each run of texts from one deployment (same origin, text and time) deployed as one
     * change holding that text's stream declarations. Rules that no longer compile are left out.
     */
    public RuleSet over(RuleSet running, List<RuleText> texts) {
        Map<String, CompiledRule> byName = new LinkedHashMap<>();
        rules.forEach(rule -> byName.put(rule.name(), rule));
        Map<String, RuleSet.Declarations> declaredBy = new LinkedHashMap<>();
        for (RuleSet.Declarations declared : declarations) {
            declared.rules().forEach(name -> declaredBy.put(name, declared));
        }
        RuleSet set = running;
        List<DeployedRule> change = new ArrayList<>();
        for (RuleText text : texts) {
            CompiledRule rule = byName.get(text.name());
            if (rule == null) {
                continue;
            }
            DeployedRule deployed = new DeployedRule(rule, text.origin(), text.text(),
                    Instant.ofEpochMilli(text.deployedAtMs()));
            if (!change.isEmpty() && !sameDeployment(change.get(0), deployed)) {
                set = set.deploy(declaredBy.get(change.get(0).name()), change);
                change = new ArrayList<>();
            }
            change.add(deployed);
        }
        return change.isEmpty() ? set : set.deploy(declaredBy.get(change.get(0).name()), change);
    }

    private static boolean sameDeployment(DeployedRule a, DeployedRule b) {
        return a.origin().equals(b.origin()) && a.source().equals(b.source()) && a.deployedAt().equals(b.deployedAt());
    }

    /** A checkpoint's rules, each text compiled once, in the checkpoint's order. */
    public static LoggedRules compile(List<RuleText> texts, CompileLimits limits) {
        Map<List<String>, Map<String, Integer>> byText = new LinkedHashMap<>();
        for (RuleText text : texts) {
            byText.computeIfAbsent(List.of(text.origin(), text.text()), key -> new LinkedHashMap<>())
                    .put(text.name(), text.version());
        }
        Map<String, CompiledRule> compiled = new LinkedHashMap<>();
        List<RuleSet.Declarations> declarations = new ArrayList<>();
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

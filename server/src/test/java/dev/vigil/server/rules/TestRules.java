package dev.vigil.server.rules;

import dev.vigil.nfa.CompiledRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Rule sets for tests that start a door or a sequencer over compiled rules. */
public final class TestRules {
    private TestRules() {
    }

    /** {@code rules} deployed over {@code running} as one change from a text of {@code origin}, no declarations. */
    public static RuleSet deploy(RuleSet running, List<CompiledRule> rules, String origin, String text) {
        return running.deploy(new RuleSet.Declarations(List.of(), names(rules), origin), deployed(rules, origin, text));
    }

    /** The rules as one change's deployed rules, from a text of {@code origin}, deployed at the epoch. */
    public static List<DeployedRule> deployed(List<CompiledRule> rules, String origin, String text) {
        List<DeployedRule> deployed = new ArrayList<>();
        for (CompiledRule rule : rules) {
            deployed.add(new DeployedRule(rule, origin, text, Instant.EPOCH));
        }
        return deployed;
    }

    /** A registry running {@code rules} from {@code rules.cep}. */
    public static RuleRegistry registry(List<CompiledRule> rules) {
        return new RuleRegistry(deploy(RuleSet.empty(), rules, "rules.cep", ""));
    }

    private static List<String> names(List<CompiledRule> rules) {
        List<String> names = new ArrayList<>();
        rules.forEach(rule -> names.add(rule.name()));
        return names;
    }
}

package dev.vigil.server.rules;

import dev.vigil.nfa.CompiledRule;
import java.time.Instant;

/**
 * A rule as the server runs it: the compiled rule (its version is the deployment number), where its text came from
 * ({@code http}, or a rule file's path), the text itself (the whole file or request body that declared it) and when
 * it was deployed.
 */
public record DeployedRule(CompiledRule rule, String origin, String source, Instant deployedAt) {
    public String name() {
        return rule.name();
    }

    public int version() {
        return rule.version();
    }

    /** What a checkpoint keeps of this rule, to compile it again at the same version. */
    public RuleText text() {
        return new RuleText(rule.name(), rule.version(), origin, source, deployedAt.toEpochMilli());
    }
}

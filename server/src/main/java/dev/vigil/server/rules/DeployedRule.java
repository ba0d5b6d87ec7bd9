package dev.vigil.server.rules;

import dev.vigil.nfa.CompiledRule;
import java.time.Instant;

/**
 * A rule as the server runs it: the compiled rule (its version is the deployment number), the text it came from
 * (the whole file or request body that declared it) and when it was deployed.
 */
public record DeployedRule(CompiledRule rule, String source, Instant deployedAt) {
    public String name() {
        return rule.name();
    }

    public int version() {
        return rule.version();
    }
}

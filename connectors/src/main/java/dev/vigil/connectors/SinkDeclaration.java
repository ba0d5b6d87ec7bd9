package dev.vigil.connectors;

import java.util.List;

/**
 * A sink declared in the server's configuration: rules send to it by name ({@code TO fraud_hook}), and the rules
 * it lists in {@code "rules"} send to it without saying so.
 *
 * @param name how rules and metrics name it
 * @param rules the rule names attached to it; {@code "*"} attaches every rule
 */
public record SinkDeclaration(String name, SinkSpec spec, List<String> rules) {
    public static final String EVERY_RULE = "*";

    public SinkDeclaration {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a sink needs a name");
        }
        rules = List.copyOf(rules);
    }

    /** Whether alerts of {@code rule} go to this sink without a {@code TO} clause naming it. */
    public boolean attachedTo(String rule) {
        return rules.contains(EVERY_RULE) || rules.contains(rule);
    }
}

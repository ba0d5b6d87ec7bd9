package dev.vigil.server.rules;

import java.util.Objects;

/**
 * A running rule as it was deployed: its name and version, the text it was compiled from and where that text came
 * from ({@code http}, or a rule file's path). What a checkpoint keeps of the rules, so a restore compiles them again
 * at the same versions.
 */
public record RuleText(String name, int version, String origin, String text, long deployedAtMs) {
    public RuleText {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(text, "text");
    }
}

package dev.vigil.server.config;

import java.util.Locale;

/**
 * What a bearer token may do: {@code admin} manages rules and savepoints (and may do everything), {@code ingest}
 * sends events, {@code read} reads alerts, metrics and checkpoint statistics and runs backtests.
 */
public enum Role {
    ADMIN, INGEST, READ;

    /** True when a token of this role may use a route that needs {@code needed}. */
    public boolean grants(Role needed) {
        return this == ADMIN || this == needed;
    }

    /** The role's name as written in configuration and in error messages: {@code admin}, {@code ingest}, {@code read}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code label} (any case), or null when there is none. */
    static Role parse(String label) {
        for (Role role : values()) {
            if (role.label().equalsIgnoreCase(label.trim())) {
                return role;
            }
        }
        return null;
    }
}

package dev.vigil.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A bearer token the server accepts, and the {@link Role} it grants.
 *
 * <p>{@link #toString()} never shows the secret, so a configuration printed in a log or an error message does not
 * leak it.
 *
 * @param role what the token may do
 * @param secret the token itself, as clients send it after {@code Bearer }
 */
public record AccessToken(Role role, String secret) {
    public AccessToken {
        if (role == null) {
            throw new IllegalArgumentException("access token without a role");
        }
        if (secret == null || secret.isBlank() || !secret.equals(secret.strip())) {
            throw new IllegalArgumentException("a " + role.label()
                    + " token must be non-empty and not start or end with white space");
        }
    }

    /**
     * Reads {@code ROLE:TOKEN} (as {@code --token} takes it). The message of the exception names the role or the
     * problem, never the token.
     */
    public static AccessToken parse(String roleAndSecret) {
        int colon = roleAndSecret.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a token is written ROLE:TOKEN with ROLE admin, ingest or read");
        }
        String label = roleAndSecret.substring(0, colon);
        Role role = Role.parse(label);
        if (role == null) {
            throw new IllegalArgumentException("unknown role '" + label.strip() + "'; roles are admin, ingest, read");
        }
        return new AccessToken(role, roleAndSecret.substring(colon + 1));
    }

    /** Reads a comma-separated list {@code role:token,role:token} (as {@code VIGIL_TOKENS} holds it); blank: none. */
    public static List<AccessToken> parseList(String list) {
        List<AccessToken> tokens = new ArrayList<>();
        if (list == null) {
            return tokens;
        }
        for (String item : list.split(",")) {
            if (!item.isBlank()) {
                tokens.add(parse(item.strip()));
            }
        }
        return tokens;
    }

    @Override
    public String toString() {
        return "AccessToken[role=" + role.label() + ", secret=***]";
    }
}

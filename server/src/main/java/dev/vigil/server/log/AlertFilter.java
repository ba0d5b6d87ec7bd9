package dev.vigil.server.log;

import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.wire.JsonCodec;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which alerts a subscriber or a history read wants: {@code rule=}, {@code severity=} (one or more of the
 * severities rules take, comma separated or repeated; any of them, ignoring case) and {@code key=} (the alert's key as text, see
 * {@link #keyText}). An absent parameter does not filter. Shared by the alerts WebSocket, the event stream and
 * {@code GET /v1/alerts}.
 *
 * @param rule the rule name, or null for every rule
 * @param severities lower-case severities, empty for every severity
 * @param key the key text, or null for every key
 */
public record AlertFilter(String rule, Set<String> severities, String key) {
    public static final AlertFilter ALL = new AlertFilter(null, Set.of(), null);

    public AlertFilter {
        severities = Set.copyOf(severities);
    }

    public static AlertFilter ofRule(String rule) {
        return new AlertFilter(rule, Set.of(), null);
    }

    /** Reads {@code rule}, {@code severity} and {@code key} from a query; an empty value is a bad parameter. */
    public static AlertFilter from(MultiMap query) throws BadQueryParameter {
        String rule = query.get("rule");
        if (rule != null && rule.isEmpty()) {
            throw new BadQueryParameter("rule", rule, "must name a rule");
        }
        Set<String> severities = new HashSet<>();
        for (String value : query.getAll("severity")) {
            for (String severity : value.split(",", -1)) {
                String trimmed = severity.trim();
                if (trimmed.isEmpty()) {
                    throw new BadQueryParameter("severity", value, "must list severities separated by commas");
                }
                String lower = trimmed.toLowerCase(Locale.ROOT);
                if (!Rule.SEVERITIES.contains(lower)) {
                    List<String> close = Suggestions.closest(trimmed, Rule.SEVERITIES);
                    throw new BadQueryParameter("severity", value, "must be " + Suggestions.list(Rule.SEVERITIES, "or")
                            + " (or several, separated by commas); '" + trimmed + "' is none of them"
                            + (close.isEmpty() ? "" : ": did you mean " + Suggestions.list(close, "or") + "?"));
                }
                severities.add(lower);
            }
        }
        String key = query.get("key");
        if (key != null && key.isEmpty()) {
            throw new BadQueryParameter("key", key, "must be a key's text");
        }
        return new AlertFilter(rule, severities, key);
    }

    /**
     * The text {@code key=} is compared with: a string key as it is, a composite key (a list) as its JSON array
     * text ({@code ["c1",42]}), another single value as its JSON text ({@code 42}, {@code true}); null for an
     * alert without key (no {@code key=} filter matches it).
     */
    public static String keyText(Object key) {
        if (key == null) {
            return null;
        }
        if (key instanceof String text) {
            return text;
        }
        return JsonCodec.value(key);
    }

    public boolean matches(String alertRule, String alertSeverity, String alertKeyText) {
        if (rule != null && !rule.equals(alertRule)) {
            return false;
        }
        if (!severities.isEmpty()
                && (alertSeverity == null || !severities.contains(alertSeverity.toLowerCase(Locale.ROOT)))) {
            return false;
        }
        return key == null || key.equals(alertKeyText);
    }

    /** A query parameter that cannot be used; answered with 400 naming it. */
    public static final class BadQueryParameter extends Exception {
        private final String name;
        private final String value;

        public BadQueryParameter(String name, String value, String rule) {
            super("query parameter '" + name + "' " + rule, null, false, false);
            this.name = name;
            this.value = value;
        }

        public String name() {
            return name;
        }

        public String value() {
            return value;
        }
    }
}

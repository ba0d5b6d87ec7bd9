package dev.vigil.server.rules;

import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of rule changes: a line per rule deployed or undeployed, whichever way it came (the HTTP API with
 * the role of the token that asked, or the rules folder with the file), on the logger {@code vigil.audit}, so that
 * an operator can route it apart from the rest of the log. Said once the change is made, never for a refused one.
 */
public final class RuleAudit {
    private static final Logger AUDIT = LoggerFactory.getLogger("vigil.audit");

    private RuleAudit() {
    }

    /** Rule {@code name} now runs as {@code version}; {@code by} says who asked (the way and the role or file). */
    public static void deployed(String name, int version, String by) {
        AUDIT.info("rule '{}' version {} deployed by {}", name, version, by);
    }

    /** Each of {@code names} no longer runs. */
    public static void undeployed(Collection<String> names, String by) {
        for (String name : names) {
            AUDIT.info("rule '{}' undeployed by {}", name, by);
        }
    }
}

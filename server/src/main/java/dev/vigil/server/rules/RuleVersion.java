package dev.vigil.server.rules;

import java.util.Objects;

/**
 * One version of a rule as the version history keeps it ({@link RuleHistory}): its number, where its text came from
 * ({@code http}, or a rule file's path), the text, when it was deployed, whether it is known only from the
 * checkpoint or savepoint the server restored (its deployment no longer in the ingest log), and how it ended, if it
 * did.
 *
 * @param deployedAtMs wall clock, epoch ms
 * @param restored true when the server found this version in the checkpoint or savepoint it started from, not in
 *     the ingest log
 * @param ended null while this version runs (or until the history learns how it ended)
 */
public record RuleVersion(String name, int version, String origin, String text, long deployedAtMs, boolean restored,
        Ended ended) {
    public RuleVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(text, "text");
    }

    /**
     * How a version stopped running: replaced by {@code successor}, or deleted ({@code successor} 0).
     *
     * @param atMs wall clock, epoch ms; 0 when not known (a removal logged before the log kept its time)
     * @param partialMatchesKept for a replacement, the replacement policy's verdict: true when the successor went on
     *     with this version's partial matches, false when they were dropped; null for a deletion, or when the
     *     verdict cannot be known (a text that no longer compiles)
     * @param why why they were dropped (the policy's reason), else null
     */
    public record Ended(int successor, long atMs, Boolean partialMatchesKept, String why) {
        /** Whether the rule was deleted rather than replaced. */
        public boolean deleted() {
            return successor == 0;
        }
    }

    RuleVersion ending(Ended how) {
        return new RuleVersion(name, version, origin, text, deployedAtMs, restored, how);
    }

    RuleVersion logged() {
        return new RuleVersion(name, version, origin, text, deployedAtMs, false, ended);
    }
}

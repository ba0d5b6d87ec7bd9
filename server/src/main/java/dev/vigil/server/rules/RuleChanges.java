package dev.vigil.server.rules;

import dev.vigil.nfa.CompiledRule;
import java.util.List;

/**
 * Where a rule change goes to take effect: logged in the ingest order and sent to every shard between the same two
 * events (the sequencer). The rules folder's reloader and the rules API make changes through it.
 */
public interface RuleChanges {
    /**
     * Installs or replaces {@code rules}, compiled from {@code text} of {@code origin}; null when done, else why
     * nothing changed (the engine is busy, the ingest log refuses).
     */
    String deploy(List<CompiledRule> rules, String origin, String text, long deployedAtMs);

    /** Removes rule {@code name}; null when done, else why nothing changed (as {@link #deploy}). */
    String undeploy(String name);
}

package dev.vigil.server.rules;

import dev.vigil.nfa.CompiledRule;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where a rule change goes to take effect: logged in the ingest order and sent to every shard between the same two
 * events (the sequencer). The rules folder's reloader and the rules API make changes through it, one at a time
 * ({@link RuleChangeGate}); answers complete on the caller's Vert.x context.
 */
public interface RuleChanges {
    /**
     * Installs or replaces {@code rules}, compiled from {@code text} of {@code origin}; completes with null when
     * done, else why nothing changed (the engine is busy, the ingest log refuses).
     */
    Future<String> deploy(List<CompiledRule> rules, String origin, String text, long deployedAtMs);

    /** Removes rule {@code name}; completes with null when done, else why nothing changed (as {@link #deploy}). */
    Future<String> undeploy(String name);
}

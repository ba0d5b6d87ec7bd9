package dev.vigil.server.rules;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where a rule change goes to take effect: logged in the ingest order, sent to every shard between the same two
 * events, and its {@link RuleSet} published (the sequencer). The rules folder's reloader and the rules API make
 * changes through it, one at a time ({@link RuleChangeGate}), each computing {@code next} from the set running when
 * it starts; answers complete on the caller's Vert.x context.
 */
public interface RuleChanges {
    /**
     * Installs or replaces {@code deployed} (all from one text), making {@code next} the running set; completes with
     * null when done, else why nothing changed (the engine is busy, the ingest log refuses).
     */
    Future<String> deploy(RuleSet next, List<DeployedRule> deployed);

    /** Removes rule {@code name}, making {@code next} the running set; completes as {@link #deploy}. */
    Future<String> undeploy(RuleSet next, String name);
}

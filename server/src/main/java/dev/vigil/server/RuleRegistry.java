package dev.vigil.server;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.EventDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's record of deployed rules and declared streams: what {@code GET /v1/rules} shows and what events
 * are decoded against. It mirrors what was submitted to the shards; it is updated only after a shard accepted
 * the command.
 *
 * <p>Versions never repeat for a name, even after a delete, because alert ids are derived from the rule name and
 * version: a re-created rule must not reproduce an old rule's ids.
 *
 * <p><b>Not thread-safe:</b> confined to the server's event loop.
 */
final class RuleRegistry {
    private final Map<String, DeployedRule> rules = new LinkedHashMap<>();
    private final Map<String, Integer> lastVersions = new HashMap<>();
    private final Map<String, StreamDecl> streams = new LinkedHashMap<>();
    private EventDecoder decoder = new EventDecoder(List.of(), true);
    private Listener listener = (name, before, after) -> {};

    /** Told of every deployment, replacement ({@code before} and {@code after}) and removal ({@code after} null). */
    interface Listener {
        void changed(String name, DeployedRule before, DeployedRule after);
    }

    void listen(Listener changes) {
        listener = changes;
    }

    DeployedRule get(String name) {
        return rules.get(name);
    }

    List<DeployedRule> all() {
        return new ArrayList<>(rules.values());
    }

    int size() {
        return rules.size();
    }

    /** The version the next deployment of {@code name} gets: one more than any it ever had. */
    int nextVersion(String name) {
        return lastVersions.getOrDefault(name, 0) + 1;
    }

    void put(DeployedRule rule) {
        DeployedRule before = rules.put(rule.name(), rule);
        lastVersions.merge(rule.name(), rule.version(), Math::max);
        listener.changed(rule.name(), before, rule);
    }

    DeployedRule remove(String name) {
        DeployedRule before = rules.remove(name);
        if (before != null) {
            listener.changed(name, before, null);
        }
        return before;
    }

    /** Declares (or redeclares: the latest declaration wins) streams events are validated against. */
    void declare(List<StreamDecl> declarations) {
        if (declarations.isEmpty()) {
            return;
        }
        for (StreamDecl stream : declarations) {
            streams.put(stream.name(), stream);
        }
        decoder = new EventDecoder(new ArrayList<>(streams.values()), true);
    }

    EventDecoder decoder() {
        return decoder;
    }
}

package dev.vigil.server.rules;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.EventDecoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's record of deployed rules and declared streams: what {@code GET /v1/rules} shows and what events
 * are decoded against. It mirrors what was submitted to the shards; it is updated only after a shard accepted
 * the command.
 *
 * <p>Versions never repeat for a name, even after a delete, because alert ids are derived from the rule name and
 * version: a re-created rule must not reproduce an old rule's ids.
 *
 * <p>Stream declarations. A {@code STREAM} declaration is held by the rules deployed from the text that declares
 * it (every rule of that text). A stream has one declaration in force: another text may declare it again only the
 * same way (the watermark delay aside), unless every rule holding it is being replaced; {@link #conflicts} says
 * where a text disagrees, and deployments refuse it. A declaration goes when no running rule holds it any more, so
 * a stream can be declared anew once the rules of the old declaration are gone. A text without rules holds
 * nothing, so its declarations have no effect.
 *
 * <p><b>Not thread-safe:</b> confined to the server's event loop.
 */
public final class RuleRegistry {
    /** The origin (file name in diagnostics) of rule text received over HTTP. */
    public static final String REQUEST_FILE = "request";

    private final Map<String, DeployedRule> rules = new LinkedHashMap<>();
    private final Map<String, Integer> lastVersions = new HashMap<>();
    private final Map<String, Declared> streams = new LinkedHashMap<>();
    private EventDecoder decoder = new EventDecoder(List.of(), true);
    private Listener listener = (name, before, after) -> {};
    private final RuleChangeGate changes = new RuleChangeGate();

    /**
     * Runs a rule change ({@link RuleChangeGate}) once the changes before it are done; false, running nothing, when
     * too many wait. Every change to the deployed rules goes through here.
     */
    public boolean change(java.util.function.Supplier<io.vertx.core.Future<?>> change) {
        return changes.run(change);
    }

    /** Told of every deployment, replacement ({@code before} and {@code after}) and removal ({@code after} null). */
    public interface Listener {
        void changed(String name, DeployedRule before, DeployedRule after);
    }

    public void listen(Listener changes) {
        listener = changes;
    }

    public DeployedRule get(String name) {
        return rules.get(name);
    }

    public List<DeployedRule> all() {
        return new ArrayList<>(rules.values());
    }

    public int size() {
        return rules.size();
    }

    /** The version the next deployment of {@code name} gets: one more than any it ever had. */
    public int nextVersion(String name) {
        return lastVersions.getOrDefault(name, 0) + 1;
    }

    public void put(DeployedRule rule) {
        DeployedRule before = rules.put(rule.name(), rule);
        lastVersions.merge(rule.name(), rule.version(), Math::max);
        listener.changed(rule.name(), before, rule);
    }

    public DeployedRule remove(String name) {
        DeployedRule before = rules.remove(name);
        if (before != null) {
            if (release(Set.of(name))) {
                rebuildDecoder();
            }
            listener.changed(name, before, null);
        }
        return before;
    }

    /** The {@code STREAM} declarations of one rule text, where it came from, and the rules deployed from it. */
    public record Declarations(List<StreamDecl> streams, List<String> rules, String origin) {
        public Declarations {
            streams = List.copyOf(streams);
            rules = List.copyOf(rules);
        }
    }

    /** As {@link #declare(List, Collection, String)}, for one text's declarations. */
    public void declare(Declarations declarations) {
        declare(declarations.streams(), declarations.rules(), declarations.origin());
    }

    /** A declaration in force: where it was deployed from, and the running rules that hold it. */
    private record Declared(StreamDecl declaration, String origin, Set<String> holders) {}

    /**
     * How {@code declarations} disagree with the declarations in force, where rules other than {@code replacing}
     * hold them; empty when they may be deployed.
     */
    public List<StreamConflict> conflicts(List<StreamDecl> declarations, Collection<String> replacing) {
        List<StreamConflict> conflicts = new ArrayList<>();
        for (StreamDecl declared : declarations) {
            Declared inForce = streams.get(declared.name());
            if (inForce == null) {
                continue;
            }
            List<String> others = new ArrayList<>(inForce.holders());
            others.removeAll(replacing);
            String difference = declared.differenceFrom(inForce.declaration());
            if (!others.isEmpty() && difference != null) {
                conflicts.add(new StreamConflict(declared, inForce.declaration(), inForce.origin(), others,
                        difference));
            }
        }
        return conflicts;
    }

    /**
     * Records the declarations of a text from {@code origin} (a rule file, or {@link #REQUEST_FILE}) and
     * the rules deployed from it, which now hold them and no longer hold what they held before. A declaration that
     * disagrees with the one in force replaces it (deployments check {@link #conflicts} first; a recovery replays
     * what was once deployed as it was).
     */
    public void declare(List<StreamDecl> declarations, Collection<String> deployed, String origin) {
        boolean changed = release(deployed);
        if (!deployed.isEmpty()) {
            for (StreamDecl declaration : declarations) {
                Declared inForce = streams.get(declaration.name());
                if (inForce != null && declaration.differenceFrom(inForce.declaration()) == null) {
                    inForce.holders().addAll(deployed);
                } else {
                    streams.put(declaration.name(), new Declared(declaration, origin, new LinkedHashSet<>(deployed)));
                    changed = true;
                }
            }
        }
        if (changed) {
            rebuildDecoder();
        }
    }

    /** The rules no longer hold their declarations; a declaration no rule holds goes. True when one went. */
    private boolean release(Collection<String> names) {
        boolean dropped = false;
        for (Iterator<Declared> declared = streams.values().iterator(); declared.hasNext(); ) {
            Set<String> holders = declared.next().holders();
            if (holders.removeAll(names) && holders.isEmpty()) {
                declared.remove();
                dropped = true;
            }
        }
        return dropped;
    }

    private void rebuildDecoder() {
        List<StreamDecl> inForce = new ArrayList<>();
        for (Declared declared : streams.values()) {
            inForce.add(declared.declaration());
        }
        decoder = new EventDecoder(inForce, true);
    }

    public EventDecoder decoder() {
        return decoder;
    }
}

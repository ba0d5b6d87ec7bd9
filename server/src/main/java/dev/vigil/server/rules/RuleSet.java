package dev.vigil.server.rules;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EventDecoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules the server runs, as one immutable value: each rule as deployed ({@link DeployedRule}: compiled, the text
 * it came from, where from and when), the last version each name ever had, and the stream declarations in force
 * with the rules that hold them (and the event decoder they make). Everything that needs the running rules reads
 * the one current value from {@link RuleRegistry#current}: the rules API and the sources (names, decoder), the
 * sequencer (routing, and the texts a checkpoint keeps), the sink router (which sinks each rule sends to). Nobody
 * keeps a copy of their own, so nothing has to be kept in step by hand.
 *
 * <p><b>How it changes.</b> A change is computed as a new value from the current one ({@link #deploy},
 * {@link #undeploy}) by whoever asks for it (the rules API, the rules folder's reloader, recovery), one change at a
 * time ({@link RuleChangeGate}), and handed to the sequencer with the change; the sequencer swaps it in
 * ({@link RuleRegistry#publish}) at the point of the ingest log where the change takes effect, so the rules read
 * anywhere are the rules the shards run, and a checkpoint's rules are exactly those of its cut. Each value carries a
 * {@link #version} one more than the value it was made from.
 *
 * <p><b>Order.</b> Rules are in the order the engines hold them: a replaced rule moves to the end, as it does in an
 * engine; so a checkpoint's rules restore in the order they ran.
 *
 * <p><b>Versions.</b> A name's versions never repeat, even after a delete, because alert ids are derived from the
 * rule name and version: a re-created rule must not reproduce an old rule's ids.
 *
 * <p><b>Stream declarations.</b> A {@code STREAM} declaration is held by the rules deployed from the text that
 * declares it (every rule of that text). A stream has one declaration in force: another text may declare it again
 * only the same way (the watermark delay aside), unless every rule holding it is being replaced; {@link #conflicts}
 * says where a text disagrees, and deployments refuse it. A declaration goes when no running rule holds it any more,
 * so a stream can be declared anew once the rules of the old declaration are gone. A text without rules holds
 * nothing, so its declarations have no effect.
 *
 * <p><b>Thread-safe:</b> immutable.
 */
public final class RuleSet {
    private static final RuleSet EMPTY = new RuleSet(0, Map.of(), Map.of(), Map.of());

    /** A declaration in force: where it was deployed from, and the running rules that hold it. */
    private record Declared(StreamDecl declaration, String origin, Set<String> holders) {}

    private final long version;
    private final Map<String, DeployedRule> rules;
    private final Map<String, Integer> lastVersions;
    private final Map<String, Declared> streams;
    private final EventDecoder decoder;

    private RuleSet(long version, Map<String, DeployedRule> rules, Map<String, Integer> lastVersions,
            Map<String, Declared> streams) {
        this.version = version;
        this.rules = Collections.unmodifiableMap(rules);
        this.lastVersions = Collections.unmodifiableMap(lastVersions);
        this.streams = Collections.unmodifiableMap(streams);
        List<StreamDecl> inForce = new ArrayList<>();
        for (Declared declared : streams.values()) {
            inForce.add(declared.declaration());
        }
        this.decoder = new EventDecoder(inForce, true);
    }

    /** No rules, no declarations: version 0. */
    public static RuleSet empty() {
        return EMPTY;
    }

    /** One more for every change since {@link #empty}. */
    public long version() {
        return version;
    }

    /** The rule running under {@code name}, or null. */
    public DeployedRule get(String name) {
        return rules.get(name);
    }

    /** The running rules, in the order the engines hold them. */
    public List<DeployedRule> all() {
        return List.copyOf(rules.values());
    }

    /** The running rules as compiled, in the order the engines hold them. */
    public List<CompiledRule> compiled() {
        List<CompiledRule> compiled = new ArrayList<>(rules.size());
        for (DeployedRule rule : rules.values()) {
            compiled.add(rule.rule());
        }
        return compiled;
    }

    /** What a checkpoint keeps of the rules: each one's text, origin and version, in order. */
    public List<RuleText> texts() {
        List<RuleText> texts = new ArrayList<>(rules.size());
        for (DeployedRule rule : rules.values()) {
            texts.add(rule.text());
        }
        return texts;
    }

    public int size() {
        return rules.size();
    }

    /** The version the next deployment of {@code name} gets: one more than any it ever had. */
    public int nextVersion(String name) {
        return lastVersions.getOrDefault(name, 0) + 1;
    }

    /** Decodes and checks events against the stream declarations in force (schemaless streams pass as they are). */
    public EventDecoder decoder() {
        return decoder;
    }

    /**
     * The declarations in force that stay in force when the rules {@code replacing} are replaced: those some other
     * rule holds. A rule text is checked against them where it does not declare a stream itself.
     */
    public List<StreamDecl> declarations(Collection<String> replacing) {
        List<StreamDecl> kept = new ArrayList<>();
        for (Declared declared : streams.values()) {
            if (!replacing.containsAll(declared.holders())) {
                kept.add(declared.declaration());
            }
        }
        return kept;
    }

    /** The declaration in force for {@code stream}, or null when the stream is schemaless. */
    public StreamDecl declaration(String stream) {
        Declared declared = streams.get(stream);
        return declared == null ? null : declared.declaration();
    }

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
     * This set with {@code deployed} installed or replacing the rules of their names, all from one text whose
     * declarations are {@code declarations} (held by exactly the deployed rules, which no longer hold what they held
     * before). A declaration that disagrees with the one in force replaces it: deployments check {@link #conflicts}
     * first, and a recovery replays what was once deployed as it was.
     */
    public RuleSet deploy(Declarations declarations, List<DeployedRule> deployed) {
        Map<String, DeployedRule> rules = new LinkedHashMap<>(this.rules);
        Map<String, Integer> lastVersions = new HashMap<>(this.lastVersions);
        List<String> names = new ArrayList<>();
        for (DeployedRule rule : deployed) {
            rules.remove(rule.name());   // a replaced rule moves to the end, as in an engine
            rules.put(rule.name(), rule);
            lastVersions.merge(rule.name(), rule.version(), Math::max);
            names.add(rule.name());
        }
        Map<String, Set<String>> holders = released(names);
        Map<String, Declared> streams = stillHeld(holders);
        if (!names.isEmpty()) {
            for (StreamDecl declaration : declarations.streams()) {
                Declared inForce = streams.get(declaration.name());
                if (inForce != null && declaration.differenceFrom(inForce.declaration()) == null) {
                    holders.get(declaration.name()).addAll(names);
                } else {
                    streams.put(declaration.name(), new Declared(declaration, declarations.origin(), Set.of()));
                    holders.put(declaration.name(), new LinkedHashSet<>(names));
                }
            }
        }
        return new RuleSet(version + 1, rules, lastVersions, frozen(streams, holders));
    }

    /** This set without rule {@code name} (the same set, as a new version, when no such rule runs). */
    public RuleSet undeploy(String name) {
        Map<String, DeployedRule> rules = new LinkedHashMap<>(this.rules);
        rules.remove(name);
        Map<String, Set<String>> holders = released(List.of(name));
        return new RuleSet(version + 1, rules, new HashMap<>(lastVersions), frozen(stillHeld(holders), holders));
    }

    /** The holders of each declaration once {@code names} hold none: declarations no rule holds are left out. */
    private Map<String, Set<String>> released(Collection<String> names) {
        Map<String, Set<String>> holders = new HashMap<>();
        for (Declared declared : streams.values()) {
            Set<String> held = new LinkedHashSet<>(declared.holders());
            if (!held.removeAll(names) || !held.isEmpty()) {
                holders.put(declared.declaration().name(), held);
            }
        }
        return holders;
    }

    /** The declarations in force that {@code holders} still has holders for, in their order. */
    private Map<String, Declared> stillHeld(Map<String, Set<String>> holders) {
        Map<String, Declared> held = new LinkedHashMap<>();
        for (Map.Entry<String, Declared> stream : streams.entrySet()) {
            if (holders.containsKey(stream.getKey())) {
                held.put(stream.getKey(), stream.getValue());
            }
        }
        return held;
    }

    /** {@code streams} with their holders from {@code holders}, unmodifiable. */
    private static Map<String, Declared> frozen(Map<String, Declared> streams, Map<String, Set<String>> holders) {
        Map<String, Declared> frozen = new LinkedHashMap<>();
        for (Map.Entry<String, Declared> stream : streams.entrySet()) {
            Declared declared = stream.getValue();
            frozen.put(stream.getKey(), new Declared(declared.declaration(), declared.origin(),
                    Collections.unmodifiableSet(new LinkedHashSet<>(holders.get(stream.getKey())))));
        }
        return frozen;
    }

    /** The {@code STREAM} declarations of one rule text, where it came from, and the rules deployed from it. */
    public record Declarations(List<StreamDecl> streams, List<String> rules, String origin) {
        public Declarations {
            streams = List.copyOf(streams);
            rules = List.copyOf(rules);
        }
    }

    @Override
    public String toString() {
        return "RuleSet v" + version + " " + rules.keySet();
    }
}

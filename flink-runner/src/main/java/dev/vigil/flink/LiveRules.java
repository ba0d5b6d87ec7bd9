package dev.vigil.flink;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.state.Replacement;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/*
 * LiveRules is the rule set a task runs while the job runs: the rules given at submission with the rule changes of
 * the rules stream applied in the stream's order. The rules stream comes from one source task and is broadcast, so
 * every task sees the same changes in the same order, and since applying a change is a function of the rules and the
 * change only, every task holds the same rules, versions and generation (the number of changes applied) after each.
 *
 * A change is (name, text). "x.cep": rule text, as a rule file; every rule it defines is deployed, as a new version
 * when a rule of that name runs (the server's PUT), else as version 1 or one more than any earlier version of the
 * name (the server's POST; versions never repeat, alert ids hold them). "x.delete": rule names, one a line (blank
 * lines and lines starting with "--" or "#" skipped): those rules are deleted. Anything else is refused with the
 * reason, and so is a change that does not compile, defines no rule, or touches the streams the job was submitted
 * with (their declarations and delays decided the events' decoding and watermarks at submission): the rules stay as
 * they were. A refused change still counts as a generation, so the numbering stays the same in every task.
 *
 * A change that gives a rule another PARTITION BY does not end the old version: the fan-out routed the events before
 * the change by the old key, and the keyed operator may have them (waiting for the watermark, or still on their way)
 * after it has the change. So the old version is kept as a retired version of its spec (the newest version of the
 * rule with that PARTITION BY), and the rule's specs are remembered by generation (specAt): an event routed under
 * generation g is matched, for each rule, at the spec the rule had at g, by the newest version of the rule with that
 * spec (versionsBySpec). The retired version goes on with its partial matches over the events routed to it, until
 * the rule is deleted or a new version comes back to that PARTITION BY (and takes its place there, under the
 * replacement policy).
 *
 * The state, the same in every task, is kept in broadcast state (STATE: name -> (version, change, text), a deleted
 * rule with no change and no text so that its version is remembered; RETIRED + name + NUL + spec -> the same for a
 * retired version; SPECS + name -> (0, "generation TAB spec" lines, ""); GENERATION), written on every change, so a
 * checkpoint or savepoint holds it and a restore at any parallelism gives every task a copy. Before the first change
 * the state is empty and the submission's rules run.
 */

/**
 * The rules a task runs: the submission's rules with the rule changes applied (see the design comment above).
 * Not thread-safe: one per function instance.
 */
final class LiveRules {
    /** Per rule name: version, the change (or rule file) that deployed it, its text; "" and "" for a deleted rule. */
    static final MapStateDescriptor<String, Tuple3<Integer, String, String>> STATE = new MapStateDescriptor<>(
            "vigil-rules", Types.STRING, Types.TUPLE(Types.INT, Types.STRING, Types.STRING));
    /** The number of rule changes applied, under {@link #GENERATION_KEY}. */
    static final MapStateDescriptor<String, Long> GENERATION = new MapStateDescriptor<>("vigil-rule-changes",
            Types.STRING, Types.LONG);
    static final String GENERATION_KEY = "applied";
    /** The longest rule change taken, in characters (a rule file of 1 Mi characters holds thousands of rules). */
    static final int MAX_CHANGE_CHARS = 1 << 20;
    /** The prefix of a retired version's key in {@link #STATE} (rule names never hold a control character). */
    private static final String RETIRED = "\u0000retired\u0000";
    /** The prefix of a rule's specs by generation in {@link #STATE}. */
    private static final String SPECS = "\u0000specs\u0000";

    private final Map<String, StreamDecl> submittedStreams = new LinkedHashMap<>();
    private final Map<String, Long> submittedDelays;
    /** Per rule name, in name order: its version, the change that deployed it and the change's text. */
    private final TreeMap<String, Tuple3<Integer, String, String>> entries = new TreeMap<>();
    /** Per rule name, per PARTITION BY it left: the newest version with it (version, change, text). */
    private final TreeMap<String, TreeMap<String, Tuple3<Integer, String, String>>> retired = new TreeMap<>();
    /** Per rule name: from which generation on it had which spec ("": not running). */
    private final TreeMap<String, TreeMap<Long, String>> specs = new TreeMap<>();
    private long generation;
    private List<CompiledRule> rules;
    private Map<String, List<CompiledRule>> rulesBySpec;
    private Map<String, List<CompiledRule>> versionsBySpec;

    /** The outcome of one change, for the log. */
    record Outcome(String change, String refusal, List<CompiledRule> deployed, Map<String, String> dropped,
            Map<String, String> droppedAt, List<String> deleted) {
        /** One line: what the change did, or why it was refused. */
        String describe() {
            if (refusal != null) {
                return "rule change " + change + " refused: " + refusal + "; the rules stay as they were";
            }
            StringBuilder line = new StringBuilder("rule change " + change + ":");
            for (CompiledRule rule : deployed) {
                line.append(" deployed ").append(rule.name()).append(" version ").append(rule.version());
                if (dropped.containsKey(rule.name())) {
                    line.append(" (partial matches dropped: ").append(dropped.get(rule.name())).append(')');
                }
                line.append(';');
            }
            for (String name : deleted) {
                line.append(" deleted ").append(name).append(';');
            }
            return line.toString();
        }
    }

    LiveRules(VigilRules submitted) {
        VigilRules.Compiled compiled = submitted.compile();
        for (StreamDecl stream : compiled.streams()) {
            submittedStreams.putIfAbsent(stream.name(), stream);
        }
        this.submittedDelays = submitted.streamDelaysMs();
        for (VigilRules.RuleFile file : submitted.files()) {
            for (CompiledRule rule : RuleCompiler.compile(file.name(), file.text()).rules()) {
                entries.put(rule.name(), Tuple3.of(1, file.name(), file.text()));
                specs.computeIfAbsent(rule.name(), n -> new TreeMap<>()).put(0L, spec(rule));
            }
        }
        rebuild();
    }

    /** The rules of an operator starting: the submitted ones, then the changes its broadcast state holds. */
    static LiveRules restored(VigilRules rules, FunctionInitializationContext context) throws Exception {
        LiveRules live = new LiveRules(rules);
        live.restore(context.getOperatorStateStore().getBroadcastState(STATE).entries(),
                context.getOperatorStateStore().getBroadcastState(GENERATION).get(GENERATION_KEY));
        return live;
    }

    /** Takes the rules of a restored broadcast state, when it holds any change. */
    void restore(Iterable<Map.Entry<String, Tuple3<Integer, String, String>>> state, Long restoredGeneration) {
        if (restoredGeneration == null || restoredGeneration == 0) {
            return;
        }
        entries.clear();
        retired.clear();
        specs.clear();
        for (Map.Entry<String, Tuple3<Integer, String, String>> entry : state) {
            String key = entry.getKey();
            if (key.startsWith(RETIRED)) {
                int end = key.indexOf('\u0000', RETIRED.length());
                retired.computeIfAbsent(key.substring(RETIRED.length(), end), n -> new TreeMap<>())
                        .put(key.substring(end + 1), entry.getValue());
            } else if (key.startsWith(SPECS)) {
                TreeMap<Long, String> byGeneration = new TreeMap<>();
                for (String line : entry.getValue().f1.split("\n")) {
                    int tab = line.indexOf('\t');
                    byGeneration.put(Long.parseLong(line.substring(0, tab)), line.substring(tab + 1));
                }
                specs.put(key.substring(SPECS.length()), byGeneration);
            } else {
                entries.put(key, entry.getValue());
            }
        }
        generation = restoredGeneration;
        rebuild();
        for (CompiledRule rule : rules) {   // a state written before specs were kept: each rule's spec is its own
            specs.computeIfAbsent(rule.name(), n -> new TreeMap<>(Map.of(0L, spec(rule))));
        }
    }

    /** Writes the rules into broadcast state (after a change). */
    void writeTo(BroadcastState<String, Tuple3<Integer, String, String>> state, BroadcastState<String, Long> counter)
            throws Exception {
        state.clear();
        for (Map.Entry<String, Tuple3<Integer, String, String>> entry : entries()) {
            state.put(entry.getKey(), entry.getValue());
        }
        counter.put(GENERATION_KEY, generation);
    }

    /**
     * What {@link #writeTo} writes: per rule name, its version, change and text; the retired versions; each rule's
     * specs by generation.
     */
    Iterable<Map.Entry<String, Tuple3<Integer, String, String>>> entries() {
        Map<String, Tuple3<Integer, String, String>> state = new LinkedHashMap<>(entries);
        retired.forEach((name, bySpec) -> bySpec.forEach((spec, version) ->
                state.put(RETIRED + name + '\u0000' + spec, version)));
        specs.forEach((name, byGeneration) -> {
            StringBuilder lines = new StringBuilder();
            byGeneration.forEach((from, spec) -> lines.append(from).append('\t').append(spec).append('\n'));
            state.put(SPECS + name, Tuple3.of(0, lines.toString(), ""));
        });
        return Collections.unmodifiableMap(state).entrySet();
    }

    /** The running rules, in name order, with their versions. */
    List<CompiledRule> rules() {
        return rules;
    }

    /** Per partition spec ({@link #spec}), its rules in name order. */
    Map<String, List<CompiledRule>> rulesBySpec() {
        return rulesBySpec;
    }

    /**
     * Per partition spec, every version that runs at its keys: the live rules of that spec and the retired versions
     * of rules that left it (see the design comment), in name order.
     */
    Map<String, List<CompiledRule>> versionsBySpec() {
        return versionsBySpec;
    }

    /**
     * The spec rule {@code name} had when {@code routedUnder} changes were applied (the fan-out routed an event of
     * that generation by it), or null when no rule of that name ran then. {@link Long#MAX_VALUE}: now.
     */
    String specAt(String name, long routedUnder) {
        TreeMap<Long, String> byGeneration = specs.get(name);
        Map.Entry<Long, String> entry = byGeneration == null ? null : byGeneration.floorEntry(routedUnder);
        return entry == null || entry.getValue().isEmpty() ? null : entry.getValue();
    }

    /** The generation from which rule {@code name} has had its present spec without a break (0: always). */
    long specSince(String name) {
        TreeMap<Long, String> byGeneration = specs.get(name);
        if (byGeneration == null) {
            return Long.MAX_VALUE;
        }
        long since = byGeneration.lastKey();
        String spec = byGeneration.lastEntry().getValue();
        for (Map.Entry<Long, String> earlier : byGeneration.descendingMap().entrySet()) {
            if (!earlier.getValue().equals(spec)) {
                break;
            }
            since = earlier.getKey();
        }
        return since;
    }

    /** The number of changes applied (refused ones included). */
    long generation() {
        return generation;
    }

    /** A rule's partition spec as text: its key field paths as JSON, equal exactly when the field lists are. */
    static String spec(CompiledRule rule) {
        return JsonCodec.value(rule.partitionBy());
    }

    /** Applies the change {@code name} holding {@code text}. */
    Outcome apply(String name, String text) {
        generation++;
        String refusal;
        if (text.length() > MAX_CHANGE_CHARS) {
            refusal = "it holds more than " + MAX_CHANGE_CHARS + " characters, the bound on one change";
        } else if (name.endsWith(".cep")) {
            Outcome deployed = deploy(name, text);
            if (deployed.refusal() == null) {
                rebuild();
            }
            return deployed;
        } else if (name.endsWith(".delete")) {
            Outcome deleted = delete(name, text);
            if (deleted.refusal() == null) {
                rebuild();
            }
            return deleted;
        } else {
            refusal = "a rule change is a .cep file (rules to deploy) or a .delete file (rule names to delete, one a"
                    + " line)";
        }
        return refused(name, refusal);
    }

    private Outcome deploy(String name, String text) {
        CompileResult result = RuleCompiler.compile(name, text);
        if (!result.diagnostics().isEmpty()) {
            StringBuilder message = new StringBuilder("it does not compile:");
            for (Diagnostic diagnostic : result.diagnostics()) {
                message.append('\n').append(diagnostic.render());
            }
            return refused(name, message.toString());
        }
        if (result.rules().isEmpty()) {
            return refused(name, "it defines no rule");
        }
        String streams = streamProblem(result);
        if (streams != null) {
            return refused(name, streams);
        }
        for (CompiledRule rule : result.rules()) {
            String unsupported = KeyedRule.unsupported(rule);
            if (unsupported != null) {
                return refused(name, unsupported);
            }
        }
        Map<String, CompiledRule> before = byName();
        Map<String, CompiledRule> retiredBefore = retiredByName();
        List<CompiledRule> deployed = new ArrayList<>();
        Map<String, String> dropped = new LinkedHashMap<>();
        Map<String, String> droppedAt = new LinkedHashMap<>();
        for (CompiledRule rule : result.rules()) {
            Tuple3<Integer, String, String> earlier = entries.get(rule.name());
            int version = earlier == null ? 1 : earlier.f0 + 1;
            String spec = spec(rule);
            CompiledRule replaced = before.get(rule.name());
            if (replaced != null && !spec(replaced).equals(spec)) {
                // the old version goes on at its keys with the events routed to it (see the design comment)
                retired.computeIfAbsent(rule.name(), n -> new TreeMap<>()).put(spec(replaced), earlier);
                replaced = retiredBefore.get(rule.name() + '\u0000' + spec);
            }
            TreeMap<String, Tuple3<Integer, String, String>> ruleRetired = retired.get(rule.name());
            if (ruleRetired != null && ruleRetired.remove(spec) != null && ruleRetired.isEmpty()) {
                retired.remove(rule.name());
            }
            entries.put(rule.name(), Tuple3.of(version, name, text));
            specs.computeIfAbsent(rule.name(), n -> new TreeMap<>()).put(generation, spec);
            deployed.add(rule.withVersion(version));
            if (replaced != null) {
                String difference = Replacement.difference(replaced, rule);
                if (difference != null) {
                    dropped.put(rule.name(), difference);
                    droppedAt.put(rule.name(), spec);
                }
            }
        }
        return new Outcome(name, null, deployed, dropped, droppedAt, List.of());
    }

    private Outcome delete(String name, String text) {
        List<String> names = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Map<String, CompiledRule> running = byName();
        for (String line : text.split("\n")) {
            String ruleName = line.strip();
            if (ruleName.isEmpty() || ruleName.startsWith("--") || ruleName.startsWith("#")) {
                continue;
            }
            if (running.containsKey(ruleName)) {
                if (!names.contains(ruleName)) {
                    names.add(ruleName);
                }
            } else {
                unknown.add(ruleName);
            }
        }
        if (!unknown.isEmpty()) {
            return refused(name, "no rule named " + String.join(", ", unknown) + " runs");
        }
        if (names.isEmpty()) {
            return refused(name, "it names no rule");
        }
        for (String ruleName : names) {
            entries.put(ruleName, Tuple3.of(entries.get(ruleName).f0, "", ""));
            retired.remove(ruleName);
            specs.computeIfAbsent(ruleName, n -> new TreeMap<>()).put(generation, "");
        }
        return new Outcome(name, null, List.of(), Map.of(), Map.of(), names);
    }

    /** Why the change's streams do not fit the job's (fixed at submission), or null. */
    private String streamProblem(CompileResult result) {
        for (StreamDecl declared : result.streams()) {
            StreamDecl there = submittedStreams.get(declared.name());
            if (there == null) {
                return "it declares stream '" + declared.name() + "', which the job was not submitted with (a job's"
                        + " streams and their declarations are fixed at submission)";
            }
            String difference = declared.differenceFrom(there);
            if (difference != null) {
                return "it declares stream '" + declared.name() + "' differently from the rules the job was"
                        + " submitted with: " + difference;
            }
        }
        for (CompiledRule rule : result.rules()) {
            for (String stream : rule.streams()) {
                if (!submittedDelays.containsKey(stream)) {
                    return "rule '" + rule.name() + "' reads stream '" + stream + "', which no rule the job was"
                            + " submitted with reads (a job's streams and their watermarks are fixed at submission)";
                }
            }
            for (Map.Entry<String, Long> delay : rule.streamDelaysMs().entrySet()) {
                long jobDelay = submittedDelays.get(delay.getKey());
                if (delay.getValue() > jobDelay) {
                    return "rule '" + rule.name() + "' asks for a watermark delay of " + delay.getValue()
                            + " ms on stream '" + delay.getKey() + "', more than the job's " + jobDelay
                            + " ms (fixed at submission)";
                }
            }
        }
        return null;
    }

    private Outcome refused(String name, String refusal) {
        return new Outcome(name, refusal, List.of(), Map.of(), Map.of(), List.of());
    }

    private Map<String, CompiledRule> byName() {
        Map<String, CompiledRule> running = new LinkedHashMap<>();
        for (CompiledRule rule : rules) {
            running.put(rule.name(), rule);
        }
        return running;
    }

    /** The retired versions, compiled, by rule name, NUL and spec. */
    private Map<String, CompiledRule> retiredByName() {
        Map<String, CompiledRule> byName = new LinkedHashMap<>();
        for (CompiledRule rule : versionsBySpec.values().stream().flatMap(List::stream).toList()) {
            if (!rules.contains(rule)) {
                byName.put(rule.name() + '\u0000' + spec(rule), rule);
            }
        }
        return byName;
    }

    /** Compiles each change holding running or retired rules once and takes its rules under their versions. */
    private void rebuild() {
        List<Map.Entry<String, Tuple3<Integer, String, String>>> live = new ArrayList<>(entries.entrySet());
        List<CompiledRule> running = compile(live);
        List<Map.Entry<String, Tuple3<Integer, String, String>>> old = new ArrayList<>();
        retired.forEach((name, bySpec) -> bySpec.values().forEach(version -> old.add(Map.entry(name, version))));
        List<CompiledRule> all = new ArrayList<>(running);
        all.addAll(compile(old));
        all.sort((a, b) -> a.name().compareTo(b.name()));
        Map<String, List<CompiledRule>> bySpec = new LinkedHashMap<>();
        for (CompiledRule rule : running) {
            bySpec.computeIfAbsent(spec(rule), s -> new ArrayList<>()).add(rule);
        }
        Map<String, List<CompiledRule>> versions = new LinkedHashMap<>();
        for (CompiledRule rule : all) {
            versions.computeIfAbsent(spec(rule), s -> new ArrayList<>()).add(rule);
        }
        rules = Collections.unmodifiableList(running);
        rulesBySpec = bySpec;
        versionsBySpec = versions;
    }

    /** The rules of {@code versions} (name -> (version, change, text)), each change compiled once, in name order. */
    private static List<CompiledRule> compile(List<Map.Entry<String, Tuple3<Integer, String, String>>> versions) {
        Map<String, List<Map.Entry<String, Integer>>> owned = new LinkedHashMap<>();   // change -> (rule, version)
        Map<String, String> changeOf = new LinkedHashMap<>();
        for (Map.Entry<String, Tuple3<Integer, String, String>> entry : versions) {
            Tuple3<Integer, String, String> rule = entry.getValue();
            if (rule.f1.isEmpty()) {
                continue;
            }
            String id = rule.f1 + '\u0000' + rule.f2;
            changeOf.put(id, rule.f1);
            owned.computeIfAbsent(id, k -> new ArrayList<>()).add(Map.entry(entry.getKey(), rule.f0));
        }
        List<CompiledRule> compiled = new ArrayList<>();
        for (Map.Entry<String, List<Map.Entry<String, Integer>>> change : owned.entrySet()) {
            String id = change.getKey();
            String changeName = changeOf.get(id);
            CompileResult result = RuleCompiler.compile(changeName, id.substring(changeName.length() + 1));
            for (CompiledRule rule : result.rules()) {
                for (Map.Entry<String, Integer> wanted : change.getValue()) {
                    if (wanted.getKey().equals(rule.name())) {
                        compiled.add(rule.withVersion(wanted.getValue()));
                    }
                }
            }
        }
        compiled.sort((a, b) -> a.name().compareTo(b.name()));
        return compiled;
    }
}

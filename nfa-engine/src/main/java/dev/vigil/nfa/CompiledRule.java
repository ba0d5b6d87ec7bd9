package dev.vigil.nfa;

import dev.vigil.dsl.ast.Rule;
import dev.vigil.nfa.program.RuleProgram;
import dev.vigil.nfa.runtime.PartitionKey;
import dev.vigil.nfa.state.Replacement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rule ready to run: what it reads, its partition key, its source, and (inside, not in its public shape) the
 * NFA shared by every key and shard and its compiled {@code EMIT} expressions. Immutable; built by
 * {@link RuleCompiler}, run by {@link Engine}; {@link #automaton()} shows what it compiled to.
 */
public final class CompiledRule {
    private final String name;
    private final int version;
    private final String severity;
    private final List<String> streams;
    private final List<List<String>> partitionBy;
    private final Map<String, Long> streamDelaysMs;
    private final Rule source;
    private final RuleProgram program;
    /** Built on first request; immutable, so a race only builds it twice. */
    private Automaton automaton;

    CompiledRule(String name, int version, String severity, List<String> streams, List<List<String>> partitionBy,
            Map<String, Long> streamDelaysMs, Rule source, RuleProgram program) {
        this.name = name;
        this.version = version;
        this.severity = severity;
        this.streams = List.copyOf(streams);
        this.partitionBy = partitionBy.stream().map(List::copyOf).toList();
        this.streamDelaysMs = Map.copyOf(streamDelaysMs);
        this.source = source;
        this.program = program;
    }

    public String name() {
        return name;
    }

    /** The version number; 1 from the compiler, set by the host that numbers deployments ({@link #withVersion}). */
    public int version() {
        return version;
    }

    public String severity() {
        return severity;
    }

    /** The streams the rule reads ({@code FROM}). */
    public List<String> streams() {
        return streams;
    }

    /** The field paths forming the key; empty for one global key. */
    public List<List<String>> partitionBy() {
        return partitionBy;
    }

    /**
     * The key this rule gives {@code event}, as its alerts show it: {@code null} without {@code PARTITION BY} (and for
     * a missing field), the field's value, or the list of values of a composite key.
     */
    public Object keyOf(Event event) {
        return PartitionKey.external(PartitionKey.of(partitionBy, event));
    }

    /** Declared watermark delays of the streams the rule reads (undeclared streams absent). */
    public Map<String, Long> streamDelaysMs() {
        return streamDelaysMs;
    }

    /** The checked AST the rule was compiled from. */
    public Rule source() {
        return source;
    }

    /** The same rule under another version number (the server numbers deployments). */
    public CompiledRule withVersion(int newVersion) {
        return new CompiledRule(name, newVersion, severity, streams, partitionBy, streamDelaysMs, source, program);
    }

    /**
     * The replacement policy's verdict ({@link Replacement}) on {@code successor} replacing this
     * version: why this version's partial matches would be dropped, or null when the successor goes on with them.
     */
    public String droppedOnReplaceBy(CompiledRule successor) {
        return Replacement.difference(this, successor);
    }

    /** Whether a partial match that times out is reported ({@code ON TIMEOUT EMIT}). */
    public boolean reportsTimeouts() {
        return program.timeoutEmit() != null;
    }

    /** {@code SUPPRESS FOR}'s period in milliseconds; 0 when the rule emits every alert. */
    public long suppressMillis() {
        return source.suppress() == null ? 0 : source.suppress().millis();
    }

    /** The automaton the rule compiled to, to show ({@code vigil explain}); see {@link Automaton}. */
    public Automaton automaton() {
        Automaton shown = automaton;
        if (shown == null) {
            shown = Automaton.of(program.nfa());
            automaton = shown;
        }
        return shown;
    }

    /** What the engine runs: for the engine, which hands it to the rule's runtime. */
    RuleProgram program() {
        return program;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompiledRule other && name.equals(other.name) && version == other.version
                && Objects.equals(severity, other.severity) && streams.equals(other.streams)
                && partitionBy.equals(other.partitionBy) && streamDelaysMs.equals(other.streamDelaysMs)
                && Objects.equals(source, other.source) && program.equals(other.program);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, severity, streams, partitionBy, streamDelaysMs, source, program);
    }

    @Override
    public String toString() {
        return "CompiledRule[" + name + " version " + version + "]";
    }
}

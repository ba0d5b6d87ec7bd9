package dev.vigil.nfa;

import dev.vigil.dsl.ast.Rule;
import dev.vigil.nfa.expr.ValueExpression;
import dev.vigil.nfa.program.Nfa;
import java.util.List;
import java.util.Map;

/**
 * One rule ready to run: its NFA (shared by every key and shard), its partition key, and its
 * compiled {@code EMIT} expressions. Immutable; built by {@link RuleCompiler}.
 *
 * @param streams the streams the rule reads ({@code FROM})
 * @param partitionBy the field paths forming the key; empty for one global key
 * @param streamDelaysMs declared watermark delays of the streams the rule reads (undeclared streams absent)
 * @param emit the {@code EMIT} fields of match alerts
 * @param timeoutEmit the {@code ON TIMEOUT EMIT} fields, or {@code null} when timeouts are not reported
 */
public record CompiledRule(String name, int version, String severity, List<String> streams,
        List<List<String>> partitionBy, Map<String, Long> streamDelaysMs, Nfa nfa,
        List<EmitField> emit, List<EmitField> timeoutEmit, Rule source) {

    /** A compiled {@code name = expression}. */
    public record EmitField(String name, ValueExpression expression) {}

    public CompiledRule {
        streams = List.copyOf(streams);
        partitionBy = partitionBy.stream().map(List::copyOf).toList();
        streamDelaysMs = Map.copyOf(streamDelaysMs);
        emit = List.copyOf(emit);
        timeoutEmit = timeoutEmit == null ? null : List.copyOf(timeoutEmit);
    }

    /** The same rule under another version number (the server numbers deployments). */
    public CompiledRule withVersion(int newVersion) {
        return new CompiledRule(name, newVersion, severity, streams, partitionBy, streamDelaysMs, nfa, emit,
                timeoutEmit, source);
    }

    public boolean reportsTimeouts() {
        return timeoutEmit != null;
    }
}

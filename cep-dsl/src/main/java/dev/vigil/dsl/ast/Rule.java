package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.List;

/**
 * One {@code RULE} statement.
 *
 * @param severity the {@code SEVERITY} word as written (lower-cased), or {@code null}
 * @param from the streams the rule reads; never empty
 * @param partitionBy the fields forming the partition key; empty means one global key
 * @param within {@code WITHIN d}: bound from the first to the last event of a match, or {@code null}
 * @param gapWithin {@code WITHIN d BETWEEN EVENTS}: bound between consecutive matched events, or {@code null}
 * @param defines the variable definitions, in the order written
 * @param emit the {@code EMIT} fields of a match alert (may be empty)
 * @param timeoutEmit the {@code ON TIMEOUT EMIT} fields, or {@code null} when timed-out partial
 *     matches are not reported
 * @param skip the after-match skip strategy (default {@code PAST LAST EVENT})
 * @param sinks the {@code TO} clause's sinks, in the order written; empty without the clause (alerts then go
 *     only where the server's configuration sends them)
 */
public record Rule(String name, String severity, List<String> from, List<FieldPath> partitionBy, Pattern pattern,
        Window within, Window gapWithin, List<VarDef> defines, List<EmitField> emit, List<EmitField> timeoutEmit,
        AfterMatchSkip skip, List<SinkRef> sinks, Span span) {
    /** The words {@code SEVERITY} takes (in any case), from the least severe to the most. */
    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    public Rule {
        from = List.copyOf(from);
        partitionBy = List.copyOf(partitionBy);
        defines = List.copyOf(defines);
        emit = List.copyOf(emit);
        timeoutEmit = timeoutEmit == null ? null : List.copyOf(timeoutEmit);
        sinks = List.copyOf(sinks);
    }

    /** The definition of a pattern variable, or {@code null} when the pattern uses it undefined (always true). */
    public VarDef define(String variable) {
        for (VarDef def : defines) {
            if (def.name().equals(variable)) {
                return def;
            }
        }
        return null;
    }
}

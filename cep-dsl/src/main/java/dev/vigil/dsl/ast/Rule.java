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
 * @param fromSpans where each stream of {@code from} is named, in the same order ({@link Span#NONE} for a rule
 *     not read from text)
 * @param suppress {@code SUPPRESS FOR d}: after an alert of a key, the key's further alerts are suppressed for
 *     {@code d} of event time, or {@code null} (every alert is emitted)
 */
public record Rule(String name, String severity, List<String> from, List<FieldPath> partitionBy, Pattern pattern,
        Window within, Window gapWithin, List<VarDef> defines, List<EmitField> emit, List<EmitField> timeoutEmit,
        AfterMatchSkip skip, List<SinkRef> sinks, Span span, List<Span> fromSpans, Window suppress) {
    /** The words {@code SEVERITY} takes (in any case), from the least severe to the most. */
    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    public Rule {
        from = List.copyOf(from);
        fromSpans = List.copyOf(fromSpans);
        if (fromSpans.size() != from.size()) {
            throw new IllegalArgumentException(fromSpans.size() + " spans for " + from.size() + " FROM streams");
        }
        partitionBy = List.copyOf(partitionBy);
        defines = List.copyOf(defines);
        emit = List.copyOf(emit);
        timeoutEmit = timeoutEmit == null ? null : List.copyOf(timeoutEmit);
        sinks = List.copyOf(sinks);
    }

    /** A rule without {@code SUPPRESS FOR}. */
    public Rule(String name, String severity, List<String> from, List<FieldPath> partitionBy, Pattern pattern,
            Window within, Window gapWithin, List<VarDef> defines, List<EmitField> emit, List<EmitField> timeoutEmit,
            AfterMatchSkip skip, List<SinkRef> sinks, Span span, List<Span> fromSpans) {
        this(name, severity, from, partitionBy, pattern, within, gapWithin, defines, emit, timeoutEmit, skip, sinks,
                span, fromSpans, null);
    }

    /** A rule built, not read from text: its FROM streams have no place. */
    public Rule(String name, String severity, List<String> from, List<FieldPath> partitionBy, Pattern pattern,
            Window within, Window gapWithin, List<VarDef> defines, List<EmitField> emit, List<EmitField> timeoutEmit,
            AfterMatchSkip skip, List<SinkRef> sinks, Span span) {
        this(name, severity, from, partitionBy, pattern, within, gapWithin, defines, emit, timeoutEmit, skip, sinks,
                span, java.util.Collections.nCopies(from.size(), Span.NONE));
    }

    /** This rule with {@code SUPPRESS FOR} set to {@code period} ({@code null}: none). */
    public Rule withSuppress(Window period) {
        return new Rule(name, severity, from, partitionBy, pattern, within, gapWithin, defines, emit, timeoutEmit,
                skip, sinks, span, fromSpans, period);
    }

    /** Where FROM names {@code stream}, or the rule's name when it was not read from text. */
    public Span fromSpan(String stream) {
        int at = from.indexOf(stream);
        return at < 0 || fromSpans.get(at).equals(Span.NONE) ? span : fromSpans.get(at);
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

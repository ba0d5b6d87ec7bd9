package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;

/**
 * {@code AFTER MATCH SKIP ...}: which partial matches survive a completed match. Mirrors Flink CEP's
 * {@code AfterMatchSkipStrategy}.
 *
 * @param variable the variable named by {@code TO FIRST v} / {@code TO LAST v}, else {@code null}
 */
public record AfterMatchSkip(Kind kind, String variable, Span span) {
    public enum Kind {
        NO_SKIP,
        TO_NEXT_EVENT,
        PAST_LAST_EVENT,
        TO_FIRST,
        TO_LAST
    }

    public AfterMatchSkip {
        boolean needsVariable = kind == Kind.TO_FIRST || kind == Kind.TO_LAST;
        if (needsVariable != (variable != null)) {
            throw new IllegalArgumentException("skip " + kind + " with variable " + variable);
        }
    }

    /** The default strategy, as in SQL MATCH_RECOGNIZE. */
    public static AfterMatchSkip pastLastEvent(Span span) {
        return new AfterMatchSkip(Kind.PAST_LAST_EVENT, null, span);
    }
}

package dev.vigil.nfa;

import java.util.List;
import java.util.Objects;

/**
 * What one event would find in one rule, for a person asking "why did this not match?" (the server's
 * {@code POST /v1/rules/{name}/explain}): for each run of the event's key, and the run that starts new matches, each
 * transition out of the state it waits in, whether its condition holds on the event and, when not, the sub-expression
 * that was false with the values it saw. Built by {@link Engine#explain}, which evaluates and changes nothing: no
 * event is bound, no run moves, no counter counts. Immutable (events are).
 *
 * <p>It explains the event against the runs as they stand. In event time, the key's events still waiting for the
 * watermark ({@link KeyInspection#waiting}) come before a later event and may move the runs first; an event at or
 * below its stream's watermark would be {@link #late} and not matched at all.
 *
 * @param key the event's key as alerts show it
 * @param watermark the rule's event-time watermark ({@code Long.MIN_VALUE} before any)
 * @param late whether the event is at or below its stream's watermark: sent now, it would be refused as late
 * @param runs the start run first (where new matches begin), then the key's partial matches oldest first, at most
 *     the bound
 * @param runCount every run of the key, the start run included, listed or not
 */
public record EventExplanation(String rule, int version, Object key, long watermark, boolean late, List<Run> runs,
        int runCount) {

    public EventExplanation {
        Objects.requireNonNull(rule, "rule");
        runs = List.copyOf(runs);
    }

    /**
     * One run and what the event finds on the transitions out of its state.
     *
     * @param state the id of the state the run waits in
     * @param start whether this is the start run, which stays to begin new matches
     * @param startedAt the event time of the run's first event, or null for the start run
     * @param transitions the edges out of the run's state in the order the matcher tries them; after a
     *     {@code proceed} edge that holds, the edges of its target (the matcher looks on through it)
     */
    public record Run(int state, String stateName, boolean start, Long startedAt, List<Transition> transitions) {
        public Run {
            Objects.requireNonNull(stateName, "stateName");
            transitions = List.copyOf(transitions);
        }
    }

    /**
     * One edge and whether its condition holds on the event.
     *
     * @param from the id of the state the edge leaves (the run's, or one a {@code proceed} edge led to)
     * @param action {@code take} (bind the event and move), {@code ignore} (skip it) or {@code proceed} (an epsilon
     *     move)
     * @param to the id of the state the edge leads to
     * @param guard the edge's condition by the variables it tests ({@code big & !until(big)})
     * @param condition the same with each variable's condition written out
     * @param expression when the condition did not hold, the sub-expression that was false; when it held, the whole
     *     condition
     * @param values what {@code expression} read on the event and the run's events
     */
    public record Transition(int from, String action, int to, String guard, String condition, boolean held,
            String expression, List<Seen> values) {
        public Transition {
            values = List.copyOf(values);
        }
    }

    /**
     * One value a condition read: a field of the event ({@code amount}), of a variable's latest event
     * ({@code LAST(small.amount)}), an aggregate ({@code COUNT(small)}), a call or arithmetic.
     *
     * @param value null, Long, Double, String, Boolean, or a Map or List from an event
     */
    public record Seen(String expression, Object value) {}
}

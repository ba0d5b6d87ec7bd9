package dev.vigil.nfa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one rule holds for one partition key at one moment, for a person to look at (the server's
 * {@code GET /v1/rules/{name}/keys/{key}}): the key's partial matches, each with the NFA state it waits in, the events
 * bound so far per variable and when its window ends; the key's events still waiting for the watermark; and its
 * window timers. Built by {@link Engine#inspect} between two engine calls, which changes nothing. Lists are cut at
 * the bounds asked for; the counts say how many there were. Immutable (events are).
 *
 * @param key the key as alerts show it: a value, a list of values for a composite key, null for the global key and
 *     for a null value
 * @param watermark the rule's event-time watermark: what is at or below it has been matched ({@code Long.MIN_VALUE}
 *     before any)
 * @param partialMatches the key's partial matches, oldest first (by first event, then creation), at most the bound
 * @param partialMatchCount every partial match the key holds, listed or not
 * @param waiting the key's events waiting for the watermark, in the order they will be matched, at most the bound
 * @param waitingCount every event of the key waiting for the watermark
 * @param timers when the watermark reaching a time makes the key time out or complete partial matches (the first
 *     events' times plus {@code WITHIN}), ascending
 */
public record KeyInspection(String rule, int version, Object key, long watermark, List<PartialMatch> partialMatches,
        int partialMatchCount, List<Event> waiting, int waitingCount, List<Long> timers) {

    public KeyInspection {
        Objects.requireNonNull(rule, "rule");
        partialMatches = List.copyOf(partialMatches);
        waiting = List.copyOf(waiting);
        timers = List.copyOf(timers);
    }

    /** Whether the key holds anything: partial matches or events waiting for the watermark. */
    public boolean holdsState() {
        return partialMatchCount > 0 || waitingCount > 0;
    }

    /**
     * One partial match (a run of the NFA), or a completed match the after-match skip strategy holds back until an
     * earlier-starting partial match ends.
     *
     * @param state the id of the NFA state it waits in (as {@link Automaton} numbers them)
     * @param stateName that state's name
     * @param completed true for a completed match held back by the skip strategy (it waits in the final state)
     * @param startedAt the event time of its first event
     * @param lastEventAt the event time of its latest event
     * @param windowEndsAt when the watermark reaching it ends the run ({@code WITHIN}: first event plus window), or
     *     null when the rule has no window or the match is complete
     * @param gapEndsAt the state's window between consecutive events ends (latest event plus the gap), or null when
     *     the state has none; noticed when the key is next visited
     * @param events the events bound so far per variable, in the order of the alert's {@code events}; at most the
     *     bound in all, the oldest first
     * @param eventCount every event the match has bound, listed or not
     */
    public record PartialMatch(int state, String stateName, boolean completed, long startedAt, long lastEventAt,
            Long windowEndsAt, Long gapEndsAt, Map<String, List<Event>> events, int eventCount) {
        public PartialMatch {
            Objects.requireNonNull(stateName, "stateName");
            Map<String, List<Event>> copy = new LinkedHashMap<>();
            events.forEach((variable, bound) -> copy.put(variable, List.copyOf(bound)));
            events = java.util.Collections.unmodifiableMap(copy);
        }
    }
}

package dev.vigil.nfa;

import java.util.List;
import java.util.Map;

/**
 * One alert: a completed match, or a partial match that timed out. This is the engine's output contract;
 * hosts render it as the JSON object documented in {@code docs/alerts.md}.
 *
 * @param id deterministic: the same rule version over the same input gives the same id, so replays
 *     can be deduplicated downstream
 * @param key the partition key: a single value, a {@code List} for composite keys, or {@code null}
 *     for a rule without {@code PARTITION BY}
 * @param severity the rule's severity, or {@code null}
 * @param start event time of the first event
 * @param end event time of the last event
 * @param timeoutAt for timeouts, the event time at which the partial match expired; -1 for matches
 * @param fields the {@code EMIT} (or {@code ON TIMEOUT EMIT}) values, in the order written
 * @param events the events bound to each variable, in pattern order
 */
public record Alert(String id, String rule, int version, Kind kind, Object key, String severity, long start,
        long end, long timeoutAt, Map<String, Object> fields, Map<String, List<Event>> events) {

    public enum Kind {
        MATCH("match"),
        TIMEOUT("timeout");

        private final String json;

        Kind(String json) {
            this.json = json;
        }

        /** The lower-case name used in JSON. */
        public String json() {
            return json;
        }
    }
}

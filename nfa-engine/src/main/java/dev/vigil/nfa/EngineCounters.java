package dev.vigil.nfa;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of an engine's counters.
 *
 * @param eventsByStream events offered per stream (including late ones)
 * @param lateByStream late events per stream
 * @param unrouted events of streams no rule reads
 * @param rules per rule counters, in deployment order
 */
public record EngineCounters(Map<String, Long> eventsByStream, Map<String, Long> lateByStream, long unrouted,
        List<RuleCounters> rules) {
    public EngineCounters {
        eventsByStream = Map.copyOf(eventsByStream);
        lateByStream = Map.copyOf(lateByStream);
        rules = List.copyOf(rules);
    }

    public long events() {
        return eventsByStream.values().stream().mapToLong(Long::longValue).sum();
    }

    public long late() {
        return lateByStream.values().stream().mapToLong(Long::longValue).sum();
    }

    public long matches() {
        return rules.stream().mapToLong(RuleCounters::matches).sum();
    }

    public long timeouts() {
        return rules.stream().mapToLong(RuleCounters::timeouts).sum();
    }
}

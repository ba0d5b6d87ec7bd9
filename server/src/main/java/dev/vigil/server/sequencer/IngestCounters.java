package dev.vigil.server.sequencer;

import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.server.shard.Shard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of the server's engine as one: event counts per stream, kept where events enter (so an event two
 * shards need counts once), and the rule counters of every shard summed per rule.
 *
 * <p><b>Threading:</b> {@link #of} is called by the ingest under its lock (one writer at a time); everything is
 * read by any thread without locks.
 */
final class IngestCounters {
    /** Events seen of one stream. */
    static final class StreamCount {
        volatile long events;
        volatile long late;
        volatile long unrouted;
        volatile long routed;
    }

    private final Map<String, StreamCount> streams = new ConcurrentHashMap<>();

    /** The counts of a stream, created on first use. */
    StreamCount of(String stream) {
        return streams.computeIfAbsent(stream, name -> new StreamCount());
    }

    /** Events of a stream passed on to the shards: on time, and read by some rule. */
    long routed(String stream) {
        StreamCount count = streams.get(stream);
        return count == null ? 0 : count.routed;
    }

    /** The streams' counts with the shards' latest rule counters summed per rule. */
    EngineCounters with(List<Shard> shards) {
        Map<String, RuleCounters> byRule = new LinkedHashMap<>();
        for (Shard shard : shards) {
            for (RuleCounters rule : shard.counters().rules()) {
                byRule.merge(rule.rule(), rule, IngestCounters::sum);
            }
        }
        Map<String, Long> events = new LinkedHashMap<>();
        Map<String, Long> late = new LinkedHashMap<>();
        long unrouted = 0;
        for (Map.Entry<String, StreamCount> entry : streams.entrySet()) {
            StreamCount count = entry.getValue();
            events.put(entry.getKey(), count.events);
            if (count.late > 0) {
                late.put(entry.getKey(), count.late);
            }
            unrouted += count.unrouted;
        }
        return new EngineCounters(events, late, unrouted, new ArrayList<>(byRule.values()));
    }

    private static RuleCounters sum(RuleCounters a, RuleCounters b) {
        return new RuleCounters(a.rule(), a.eventsIn() + b.eventsIn(), a.matches() + b.matches(),
                a.timeouts() + b.timeouts(), a.partialMatches() + b.partialMatches(), a.keys() + b.keys(),
                a.droppedPartialMatches() + b.droppedPartialMatches(), a.workBoundTrips() + b.workBoundTrips(),
                a.evaluationErrors() + b.evaluationErrors(), a.evictedKeys() + b.evictedKeys(),
                a.partialMatchesDroppedOnReplace() + b.partialMatchesDroppedOnReplace(),
                a.suppressedAlerts() + b.suppressedAlerts(), a.windowEventsEvicted() + b.windowEventsEvicted());
    }
}

package dev.vigil.server.sequencer;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.StreamDelays;
import dev.vigil.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which shards need an event: for each rule reading the event's stream, the shard owning the event's key of that
 * rule ({@link KeySlice}). Rules that partition a stream by the same fields share one lookup, so the usual case
 * (every rule on a stream keyed by the same field) costs one hash per event and sends it to one shard.
 *
 * <p>Immutable: rebuilt whenever the deployed rules change.
 */
public final class Routing {
    private final int shards;
    private final Map<String, List<List<List<String>>>> keysByStream;
    private final Map<String, Long> delaysByStream;

    private Routing(int shards, Map<String, List<List<List<String>>>> keysByStream,
            Map<String, Long> delaysByStream) {
        this.shards = shards;
        this.keysByStream = keysByStream;
        this.delaysByStream = delaysByStream;
    }

    /**
     * The routing of {@code rules} over {@code shards} shards; the streams' watermark delays are the engine's
     * ({@link StreamDelays#merge}).
     */
    public static Routing of(Collection<CompiledRule> rules, int shards, long defaultDelayMs) {
        if (shards < 1 || shards > ServerConfig.MAX_SHARDS) {
            throw new IllegalArgumentException("shards " + shards + " outside 1.." + ServerConfig.MAX_SHARDS);
        }
        Map<String, List<List<List<String>>>> keys = new HashMap<>();
        for (CompiledRule rule : rules) {
            for (String stream : rule.streams()) {
                List<List<List<String>>> streamKeys = keys.computeIfAbsent(stream, s -> new ArrayList<>());
                if (!streamKeys.contains(rule.partitionBy())) {
                    streamKeys.add(rule.partitionBy());
                }
            }
        }
        Map<String, List<List<List<String>>>> frozen = new HashMap<>();
        keys.forEach((stream, list) -> frozen.put(stream, List.copyOf(list)));
        return new Routing(shards, Map.copyOf(frozen), StreamDelays.merge(rules, defaultDelayMs));
    }

    /** The shards that need {@code event}, one bit each (bit {@code i} for shard {@code i}); 0 when no rule reads it. */
    public long shardsFor(Event event) {
        List<List<List<String>>> keys = keysByStream.get(event.stream());
        if (keys == null) {
            return 0;
        }
        if (shards == 1) {
            return 1;
        }
        long mask = 0;
        for (int i = 0; i < keys.size(); i++) {
            mask |= 1L << KeySlice.sliceOf(keys.get(i), event, shards);
        }
        return mask;
    }

    /** The watermark delay of every stream a rule reads. */
    public Map<String, Long> delaysByStream() {
        return delaysByStream;
    }
}

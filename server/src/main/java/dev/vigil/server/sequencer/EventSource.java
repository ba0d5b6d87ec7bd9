package dev.vigil.server.sequencer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One producer of events, as the {@link WatermarkTracker} sees it: a WebSocket connection, or a named HTTP source.
 * Its state is the tracker's to change; other code only holds it to say whose batch it ingests.
 */
public final class EventSource {
    final String name;
    final Map<String, SourceStream> streams = new HashMap<>();
    long lastActiveNanos;
    boolean idle;
    boolean closed;
    /** The source's watermark for every stream, from its {@code {"watermark": ts}} messages. */
    long explicitAll = Long.MIN_VALUE;
    /** Streams it holds back from the moment it opens, before it sends anything (a Kafka partition's stream). */
    final List<String> holds;

    EventSource(String name, List<String> holds) {
        this.name = name;
        this.holds = List.copyOf(holds);
    }

    /**
     * A new source named {@code name}; the sequencer starts tracking it when its open command arrives, before any
     * batch of it (commands of one producer stay in order).
     */
    public static EventSource named(String name) {
        return new EventSource(name, List.of());
    }

    /**
     * As {@link #named}, a source that holds {@code streams} back from the moment it opens, until it sends on them or
     * falls idle, as a Kafka partition does (its backlog is not late because another partition was read first).
     */
    public static EventSource holding(String name, List<String> streams) {
        return new EventSource(name, streams);
    }

    public String name() {
        return name;
    }

    boolean active() {
        return !idle && !closed;
    }
}

package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * Everything the keyed operator ({@link MatchFunction}) holds for one {@code (spec, key)}, in one value of Flink's
 * keyed state, so that an event costs one read and one write of it: the events waiting (for the watermark in event
 * time, for rule changes in processing time), the earliest timer set for the key, the rule generation they
 * were routed under when this subtask had not reached it, and per rule name the key's partial matches. Written for
 * Flink by {@link KeyBufferSerializer}. Not thread-safe: the task's thread changes it in place.
 */
final class KeyBuffer {
    /** The events waiting, in arrival order. */
    final ArrayList<Event> waiting;
    /**
     * Per waiting event, at the same index: the rule generation the fan-out routed it under, which tells the keyed
     * operator the PARTITION BY each rule had for it ({@link LiveRules#specAt}); {@link Long#MAX_VALUE}: unknown (a
     * state written before generations were kept), taken as now.
     */
    final ArrayList<Long> generations;
    /**
     * Event time: the earliest timer set for the key and not yet fired, to release waiting events or to reach a
     * rule's deadline ({@link Long#MAX_VALUE}: none). One timer at a time: a later need waits for its visit.
     */
    long wakeAt = Long.MAX_VALUE;
    /** The newest rule generation a waiting event was routed under while this subtask had applied fewer; 0: none. */
    long routedUnder;
    /** Per rule name, the key's partial matches; a rule holding nothing for the key has no entry. */
    final LinkedHashMap<String, RuleMatches> rules;

    KeyBuffer() {
        this(new ArrayList<>(2), new ArrayList<>(2), new LinkedHashMap<>(4));
    }

    KeyBuffer(ArrayList<Event> waiting, ArrayList<Long> generations, LinkedHashMap<String, RuleMatches> rules) {
        if (waiting.size() != generations.size()) {
            throw new IllegalArgumentException(waiting.size() + " waiting events, " + generations.size()
                    + " generations");
        }
        this.waiting = waiting;
        this.generations = generations;
        this.rules = rules;
    }

    /** Adds a waiting event, routed under {@code generation}. */
    void hold(Event event, Long generation) {
        waiting.add(event);
        generations.add(generation);
    }

    /** Whether the key holds nothing: its state can go. */
    boolean isEmpty() {
        return waiting.isEmpty() && rules.isEmpty() && routedUnder == 0;
    }
}

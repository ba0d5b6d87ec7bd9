package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.MatchView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A materialised (partial) match: per variable, the events bound to it, oldest first. Variables are listed
 * in the order of Flink's match map: by their first event in the match. Immutable once built.
 */
public final class MatchedEvents implements MatchView {
    private final List<String> allVariables;
    private final int[] order;
    private final Event[][] events;
    private final long firstTimestamp;
    private final long lastTimestamp;

    private MatchedEvents(List<String> allVariables, int[] order, Event[][] events, long firstTimestamp,
            long lastTimestamp) {
        this.allVariables = allVariables;
        this.order = order;
        this.events = events;
        this.firstTimestamp = firstTimestamp;
        this.lastTimestamp = lastTimestamp;
    }

    /** Builds a match from a shared-buffer path, oldest node first (Flink's {@code materializeMatch}). */
    static MatchedEvents of(List<String> variables, SharedBuffer.Node[] path) {
        int n = variables.size();
        int[] counts = new int[n];
        int[] order = new int[n];
        int distinct = 0;
        for (SharedBuffer.Node node : path) {
            if (counts[node.variable]++ == 0) {
                order[distinct++] = node.variable;
            }
        }
        Event[][] events = new Event[n][];
        for (int v = 0; v < n; v++) {
            events[v] = new Event[counts[v]];
            counts[v] = 0;
        }
        for (SharedBuffer.Node node : path) {
            events[node.variable][counts[node.variable]++] = node.entry.event;
        }
        long first = path.length == 0 ? Long.MIN_VALUE : path[0].entry.timestamp;
        long last = path.length == 0 ? Long.MIN_VALUE : path[path.length - 1].entry.timestamp;
        int[] trimmed = new int[distinct];
        System.arraycopy(order, 0, trimmed, 0, distinct);
        return new MatchedEvents(variables, trimmed, events, first, last);
    }

    /** The variables with at least one event, in Flink's match-map order. */
    public List<String> variables() {
        List<String> names = new ArrayList<>(order.length);
        for (int v : order) {
            names.add(allVariables.get(v));
        }
        return names;
    }

    /** The events bound to {@code variable}, oldest first; empty when none (or unknown). */
    public List<Event> events(String variable) {
        int v = allVariables.indexOf(variable);
        if (v < 0 || events[v].length == 0) {
            return List.of();
        }
        return Collections.unmodifiableList(java.util.Arrays.asList(events[v]));
    }

    /** Variable → events, in Flink's match-map order. */
    public Map<String, List<Event>> asMap() {
        Map<String, List<Event>> map = new LinkedHashMap<>();
        for (int v : order) {
            map.put(allVariables.get(v), List.of(events[v]));
        }
        return map;
    }

    /** The timestamp the first event of the match was processed with. */
    public long firstTimestamp() {
        return firstTimestamp;
    }

    /** The timestamp the last event of the match was processed with. */
    public long lastTimestamp() {
        return lastTimestamp;
    }

    @Override
    public int count(int variable) {
        return variable < 0 || variable >= events.length ? 0 : events[variable].length;
    }

    @Override
    public Event event(int variable, int index) {
        return events[variable][index];
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}

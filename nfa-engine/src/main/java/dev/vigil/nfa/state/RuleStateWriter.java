package dev.vigil.nfa.state;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.match.PartialMatches;
import dev.vigil.nfa.match.PartialMatchesGraph;
import dev.vigil.nfa.runtime.RuleRuntime;
import dev.vigil.nfa.runtime.RuleRuntimeState;
import java.io.IOException;

/**
 * Writes one rule's section of a snapshot: its name and {@link RuleShape}, then its runtime state as a
 * {@link RuleRuntimeState.Capture} visits it (in slices: {@link EngineSnapshot.Writer} drives it), each key's partial matches as {@link PartialMatchesGraph} visits them.
 * Key states are numbered in visiting order, so waiting events and timers name them by number; a timer of a
 * state no longer in the table (stale) gets no number. {@link KeyStateCodec} writes single keys with it.
 *
 * <p><b>Not thread-safe:</b> one per snapshot, used by the thread owning the engine.
 */
final class RuleStateWriter implements RuleRuntimeState.Visitor, PartialMatchesGraph.Visitor {
    private final SnapshotOutput out;
    private final PartialMatchesGraph graph = new PartialMatchesGraph();

    RuleStateWriter(SnapshotOutput out) {
        this.out = out;
    }

    /** The start of a rule's section, up to its keys: name, shape and what {@code capture} holds besides keys. */
    void begin(RuleRuntime runtime, RuleRuntimeState.Capture capture) throws IOException {
        out.writeName(runtime.rule().name());
        RuleShape shape = RuleShape.of(runtime.rule());
        out.writeFixedLong(shape.pattern());
        out.writeFixedLong(shape.conditions());
        out.writeFixedLong(shape.partitionBy());
        out.writeFixedLong(shape.streams());
        capture.begin(this);
    }

    @Override
    public void begin(long round, long arrivals, long watermark, long eventsIn, long matches, long timeouts,
            long dropped, long workBoundTrips, long evictedKeys, long evaluationErrors, long droppedOnReplace,
            int maxKeys, int keyCount, int waiting, int timers) throws IOException {
        out.writeLong(round);
        out.writeLong(arrivals);
        out.writeLong(watermark);
        out.writeLong(eventsIn);
        out.writeLong(matches);
        out.writeLong(timeouts);
        out.writeLong(dropped);
        out.writeLong(workBoundTrips);
        out.writeLong(evictedKeys);
        out.writeLong(evaluationErrors);
        out.writeLong(droppedOnReplace);
        out.writeVarInt(maxKeys);
        out.writeVarInt(keyCount);
        out.writeVarInt(waiting);
        out.writeVarInt(timers);
    }

    @Override
    public void key(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
            long heldSince, PartialMatches partialMatches) throws IOException {
        writeKey(key, waitingEvents, scheduledDeadline, advancedTo, round, heldSince, partialMatches);
    }

    /** One key: {@code key} in the format. */
    void writeKey(Object key, int waitingEvents, long scheduledDeadline, long advancedTo, long round,
            long heldSince, PartialMatches partialMatches) throws IOException {
        out.writeKey(key);
        out.writeVarInt(waitingEvents);
        out.writeLong(scheduledDeadline);
        out.writeLong(advancedTo);
        out.writeLong(round);
        out.writeLong(heldSince);
        graph.visit(partialMatches, this);
    }

    @Override
    public void waiting(Event event, int key, long arrival) throws IOException {
        out.writeEvent(event);
        out.writeVarInt(key);
        out.writeLong(arrival);
    }

    @Override
    public void timer(long deadline, int key, long order) throws IOException {
        out.writeLong(deadline);
        out.writeVarInt(key + 1);   // 0: stale
        out.writeLong(order);
    }

    @Override
    public void inStore(int rule, long incarnations, int holders, long lastHeldSince, long partialMatches)
            throws IOException {
        out.writeVarInt(rule);
        out.writeLong(incarnations);
        out.writeVarInt(holders);
        out.writeLong(lastHeldSince);
        out.writeLong(partialMatches);
    }

    @Override
    public void waitingOfKey(Event event, Object key, long arrival) throws IOException {
        out.writeEvent(event);
        out.writeKey(key);
        out.writeLong(arrival);
    }

    @Override
    public void timerOfKey(long deadline, Object key, long incarnation, long order) throws IOException {
        out.writeLong(deadline);
        out.writeBoolean(key != null);   // false: stale
        if (key != null) {
            out.writeKey(key);
            out.writeLong(incarnation);
        }
        out.writeLong(order);
    }

    @Override
    public void suppression(long suppressedAlerts, Object[] keys, long[] lastEmitted) throws IOException {
        out.writeLong(suppressedAlerts);
        out.writeVarInt(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.writeKey(keys[i]);
            out.writeLong(lastEmitted[i]);
        }
    }

    @Override
    public void windows(long evictedEvents, int keys) throws IOException {
        out.writeLong(evictedEvents);
        out.writeVarInt(keys);
    }

    @Override
    public void window(Object key, Event[] events, long[] times) throws IOException {
        out.writeKey(key);
        out.writeVarInt(events.length);
        for (int i = 0; i < events.length; i++) {
            out.writeLong(times[i]);
            out.writeEvent(events[i]);
        }
    }

    @Override
    public void begin(long nextSerial, boolean newStart, long[] timers, int timerCount, int liveEntries,
            int liveNodes, long lastTimestamp, int nextId, int entries, int nodes, int runs, int completed)
            throws IOException {
        out.writeLong(nextSerial);
        out.writeBoolean(newStart);
        out.writeVarInt(timerCount);
        for (int i = 0; i < timerCount; i++) {
            out.writeLong(timers[i]);
        }
        out.writeVarInt(liveEntries);
        out.writeVarInt(liveNodes);
        out.writeLong(lastTimestamp);
        out.writeVarInt(nextId);
        out.writeVarInt(entries);
        out.writeVarInt(nodes);
        out.writeVarInt(runs);
        out.writeVarInt(completed);
    }

    @Override
    public void entry(Event event, long timestamp, int id, int refs, boolean removed) throws IOException {
        out.writeEvent(event);
        out.writeLong(timestamp);
        out.writeVarInt(id);
        out.writeLong(refs);
        out.writeBoolean(removed);
    }

    @Override
    public void node(int entry, int variable, int refs, boolean removed, int edges) throws IOException {
        out.writeVarInt(entry);
        out.writeVarInt(variable);
        out.writeLong(refs);
        out.writeBoolean(removed);
        out.writeVarInt(edges);
    }

    @Override
    public void edge(int target, int[] version, int refs) throws IOException {
        out.writeVarInt(target + 1);
        out.writeVersion(version);
        out.writeLong(refs);
    }

    @Override
    public void run(boolean completed, int state, int node, int[] version, long startTs, long previousTs,
            int startEvent, long serial) throws IOException {
        out.writeVarInt(state);
        out.writeVarInt(node + 1);
        out.writeVersion(version);
        out.writeLong(startTs);
        out.writeLong(previousTs);
        out.writeVarInt(startEvent + 1);
        out.writeLong(serial);
    }
}

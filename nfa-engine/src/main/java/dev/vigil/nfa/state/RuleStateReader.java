package dev.vigil.nfa.state;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.match.PartialMatches;
import dev.vigil.nfa.match.PartialMatchesGraph;
import dev.vigil.nfa.program.Nfa;
import dev.vigil.nfa.runtime.RuleRuntimeState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads one rule's state section (after its name and shape) as {@link RuleStateWriter} wrote it, into a
 * {@link RuleRuntimeState.Restorer}, or, for a rule whose state is not used, only through to its end, keeping its
 * waiting events so they can be handed to the rule's new version. Reads format 1 too, which had no evicted-key
 * count (0) and no {@code heldSince} per key (0: the restore orders the holders as it visits them), and formats 1
 * and 2, which had no count of partial matches dropped on replacement (0), and formats 1 to 5, which had no
 * {@code SUPPRESS FOR} state (nothing suppressed, no period under way) and windowed aggregates' events (none).
 *
 * <p><b>Not thread-safe:</b> one per restore.
 */
final class RuleStateReader {
    /** An event a discarded rule still held for the watermark, with its arrival number. */
    record WaitingEvent(Event event, long arrival) {}

    /**
     * What a section read past held that outlives it: its waiting events, in release order, and the number of its
     * partial matches (to be counted as dropped), and its
     * number in the store whose checkpoint holds its keys (-1 when the snapshot holds them).
     */
    record Skipped(List<WaitingEvent> waiting, long partialMatches, int storeRule) {}

    private static final Comparator<WaitingEvent> RELEASE_ORDER = Comparator
            .comparingLong((WaitingEvent w) -> w.event().timestamp()).thenComparingLong(WaitingEvent::arrival);

    private final SnapshotInput in;
    /** The snapshot's format version ({@link EngineSnapshot#VERSION} or an older one it reads). */
    private final int version;
    /**
     * When the keys are in the store's checkpoint (the sections name no key state but their rule's number), the
     * number every rule of the store is below; else -1.
     */
    private final int storeRules;
    /** The store number of the last section read, when the keys are in the store's checkpoint. */
    private int storeRule = -1;
    private long[] timers = new long[4];
    /**
     * The partial matches read so far: runs under way that took an event. A run without an event is a key's start
     * run, the only kind at the NFA's start state (no edge leads back to it), so this is the count the matcher
     * gives ({@code Matcher.partialMatchCount}: runs not at the start state) without the NFA, which a section read
     * past does not have.
     */
    private long partialMatchesRead;

    RuleStateReader(SnapshotInput in, int version, int storeRules) {
        this.in = in;
        this.version = version;
        this.storeRules = storeRules;
    }

    /** Restores the section into {@code restorer}; the rule's NFA bounds state and variable numbers. */
    void restore(RuleRuntimeState.Restorer restorer, Nfa nfa) throws IOException {
        read(restorer, new PartialMatchesGraph.Builder(nfa.states().size(), nfa.variables().size()), null);
    }

    /** Reads past the section; returns its waiting events, in the order the rule would have released them. */
    Skipped skip() throws IOException {
        List<WaitingEvent> waiting = new ArrayList<>();
        long before = partialMatchesRead;
        read(null, new PartialMatchesGraph.Builder(Integer.MAX_VALUE, Integer.MAX_VALUE), waiting);
        waiting.sort(RELEASE_ORDER);
        return new Skipped(waiting, partialMatchesRead - before, storeRule);
    }

    private void read(RuleRuntimeState.Restorer restorer, PartialMatchesGraph.Builder builder,
            List<WaitingEvent> skipped) throws IOException {
        long round = in.readLong();
        long arrivals = in.readLong();
        long watermark = in.readLong();
        long eventsIn = in.readLong();
        long matches = in.readLong();
        long timeouts = in.readLong();
        long dropped = in.readLong();
        long workBoundTrips = version >= 2 ? in.readLong() : 0;
        long evictedKeys = version >= 2 ? in.readLong() : 0;
        long evaluationErrors = in.readLong();
        long droppedOnReplace = version >= 3 ? in.readLong() : 0;
        int maxKeys = in.readCount("most keys");
        int keys = in.readCount("key count");
        int waiting = in.readCount("waiting-event count");
        int timerCount = in.readCount("timer count");
        if (restorer != null) {
            restorer.begin(round, arrivals, watermark, eventsIn, matches, timeouts, dropped, workBoundTrips,
                    evictedKeys, evaluationErrors, droppedOnReplace, maxKeys, keys);
        }
        if (storeRules >= 0) {
            readInStore(restorer, waiting, timerCount, skipped);
            return;
        }
        for (int i = 0; i < keys; i++) {
            Object key = in.readKey();
            int waitingEvents = in.readCount("waiting events of a key");
            long scheduledDeadline = in.readLong();
            long advancedTo = in.readLong();
            long keyRound = in.readLong();
            long heldSince = version >= 2 ? in.readLong() : 0;
            PartialMatches partialMatches = readPartialMatches(builder);
            if (restorer != null) {
                restorer.key(key, waitingEvents, scheduledDeadline, advancedTo, keyRound, heldSince, partialMatches);
            }
        }
        for (int i = 0; i < waiting; i++) {
            Event event = in.readEvent();
            int key = in.readCount("key number");
            long arrival = in.readLong();
            if (restorer != null) {
                restorer.waiting(event, key, arrival);
            } else {
                skipped.add(new WaitingEvent(event, arrival));
            }
        }
        for (int i = 0; i < timerCount; i++) {
            long deadline = in.readLong();
            int key = in.readCount("key number") - 1;
            long order = in.readLong();
            if (restorer != null) {
                restorer.timer(deadline, key, order);
            }
        }
        readSuppressionAndWindows(restorer);
        if (restorer != null) {
            restorer.finish();
        }
    }

    /** The rest of a section whose keys are in the store's checkpoint: the rule's store, waiting events, timers. */
    private void readInStore(RuleRuntimeState.Restorer restorer, int waiting, int timerCount,
            List<WaitingEvent> skipped) throws IOException {
        storeRule = in.readCount("rule number in the store");
        if (storeRule >= storeRules) {
            throw new SnapshotFormatException("corrupt snapshot: rule number " + storeRule + " in a store of "
                    + storeRules + " rules");
        }
        long incarnations = in.readLong();
        int holders = in.readCount("keys holding partial matches");
        long lastHeldSince = in.readLong();
        long partialMatches = in.readLong();
        if (restorer != null) {
            restorer.inStore(storeRule, incarnations, holders, lastHeldSince, partialMatches);
        } else {
            partialMatchesRead += partialMatches;
        }
        for (int i = 0; i < waiting; i++) {
            Event event = in.readEvent();
            Object key = in.readKey();
            long arrival = in.readLong();
            if (restorer != null) {
                restorer.waitingOfKey(event, key, arrival);
            } else {
                skipped.add(new WaitingEvent(event, arrival));
            }
        }
        for (int i = 0; i < timerCount; i++) {
            long deadline = in.readLong();
            Object key = null;
            long incarnation = 0;
            if (in.readBoolean()) {
                key = in.readKey();
                incarnation = in.readLong();
            }
            long order = in.readLong();
            if (restorer != null) {
                restorer.timerOfKey(deadline, key, incarnation, order);
            }
        }
        readSuppressionAndWindows(restorer);
        if (restorer != null) {
            restorer.finishInStore();
        }
    }

    /** Version 6 on, after the timers in both forms: the {@code SUPPRESS FOR} state, then the windows' events. */
    private void readSuppressionAndWindows(RuleRuntimeState.Restorer restorer) throws IOException {
        if (version < 6) {
            return;
        }
        long suppressedAlerts = in.readLong();
        int entries = in.readCount("suppression entry count");
        if (restorer != null) {
            restorer.suppressed(suppressedAlerts);
        }
        for (int i = 0; i < entries; i++) {
            Object key = in.readKey();
            long lastEmitted = in.readLong();
            if (restorer != null) {
                restorer.suppression(key, lastEmitted);
            }
        }
        long windowEvicted = in.readLong();
        int windowKeys = in.readCount("window key count");
        if (restorer != null) {
            restorer.windowsEvicted(windowEvicted);
        }
        for (int i = 0; i < windowKeys; i++) {
            Object key = in.readKey();
            int count = in.readCount("window event count");
            Event[] events = new Event[count];
            long[] times = new long[count];
            for (int j = 0; j < count; j++) {
                times[j] = in.readLong();
                events[j] = in.readEvent();
            }
            if (restorer != null) {
                restorer.window(key, events, times);
            }
        }
    }

    /** Reads one key's partial matches ({@code matches} in the format). */
    PartialMatches readPartialMatches(PartialMatchesGraph.Builder builder) throws IOException {
        long nextSerial = in.readLong();
        boolean newStart = in.readBoolean();
        int timerCount = in.readCount("window timer count");
        if (timers.length < timerCount) {
            timers = new long[Math.max(timerCount, timers.length * 2)];
        }
        for (int i = 0; i < timerCount; i++) {
            timers[i] = in.readLong();
        }
        int liveEntries = in.readCount("live entries");
        int liveNodes = in.readCount("live nodes");
        long lastTimestamp = in.readLong();
        int nextId = in.readCount("next entry id");
        int entries = in.readCount("entry count");
        int nodes = in.readCount("node count");
        int runs = in.readCount("run count");
        int completed = in.readCount("completed count");
        builder.begin(nextSerial, newStart, timers, timerCount, liveEntries, liveNodes, lastTimestamp, nextId,
                entries, nodes, runs, completed);
        int edges = 0;
        for (int i = 0; i < entries; i++) {
            Event event = in.readEvent();
            long timestamp = in.readLong();
            int id = in.readCount("entry id");
            int refs = Math.toIntExact(in.readLong());
            builder.entry(event, timestamp, id, refs, in.readBoolean());
        }
        for (int i = 0; i < nodes; i++) {
            int entry = in.readCount("entry number");
            int variable = in.readCount("variable number");
            int refs = Math.toIntExact(in.readLong());
            boolean removed = in.readBoolean();
            int nodeEdges = in.readCount("edge count");
            edges += nodeEdges;
            builder.node(entry, variable, refs, removed, nodeEdges);
        }
        for (int i = 0; i < edges; i++) {
            int target = in.readCount("node number") - 1;
            int[] version = in.readVersion();
            builder.edge(target, version, Math.toIntExact(in.readLong()));
        }
        for (int i = 0; i < runs + completed; i++) {
            int state = in.readCount("state number");
            int node = in.readCount("node number") - 1;
            int[] version = in.readVersion();
            long startTs = in.readLong();
            long previousTs = in.readLong();
            int startEvent = in.readCount("entry number") - 1;
            if (i < runs && node >= 0) {
                partialMatchesRead++;
            }
            builder.run(i >= runs, state, node, version, startTs, previousTs, startEvent, in.readLong());
        }
        return builder.build();
    }
}

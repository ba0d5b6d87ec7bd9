package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import java.io.IOException;
import java.util.Arrays;

/**
 * One key's {@link PartialMatches} as a flat, numbered object graph, for state snapshots: {@link #visit} hands
 * a key's graph to a {@link Visitor} (the snapshot codec in {@code dev.vigil.nfa.state} turns it into bytes), and
 * a {@link Builder} rebuilds an identical graph from the same calls. The byte format is not this class's
 * business; the graph's shape is.
 *
 * <p><b>What is written.</b> Everything a later step can reach: the runs and held completed matches (in their
 * heap's array order, which decides Flink's tie order), from them the shared-buffer nodes (runs' last nodes,
 * edge targets) and entries (nodes' events, runs' first events), and from each entry its list of live nodes.
 * Identity is kept: two runs sharing a path share the same node objects after a restore. Reference counts and
 * removed flags are written as they are, even where Flink's accounting leaves them odd (a removed node still
 * named by an edge), because later releases depend on them. Numbering: entries and nodes in discovery order,
 * where discovering a live node first discovers its entry, which numbers the entry's live nodes in list order;
 * so "live nodes of an entry in number order" is the entry's list, and the list needs no bytes of its own.
 *
 * <p>Numbering uses a mark field on entries and nodes instead of a hash map, so a snapshot of a million keys
 * hashes nothing; marks are cleared before {@link #visit} returns, whatever happens.
 *
 * <p><b>Not thread-safe:</b> one instance per snapshot (it holds scratch arrays reused across keys), used by the
 * thread that owns the keys.
 */
public final class PartialMatchesGraph {
    /** Receives one key's graph, in this order: begin, entries, nodes, edges per node, runs, completed. */
    public interface Visitor {
        /**
         * @param timers the pending window timers, ascending ({@code timerCount} of them)
         * @param liveEntries the buffer's live-entry count (entries not removed), as the buffer counts it
         */
        void begin(long nextSerial, boolean newStart, long[] timers, int timerCount, int liveEntries,
                int liveNodes, long lastTimestamp, int nextId, int entries, int nodes, int runs, int completed)
                throws IOException;

        void entry(Event event, long timestamp, int id, int refs, boolean removed) throws IOException;

        /** @param entry the number of the node's entry (0-based) */
        void node(int entry, int variable, int refs, boolean removed, int edges) throws IOException;

        /** @param target the number of the edge's target node, or -1 for the run's start */
        void edge(int target, int[] version, int refs) throws IOException;

        /**
         * @param completed false for a partial match, true for a completed match held by the skip strategy
         * @param node the run's last node, or -1 for the start run
         * @param startEvent the entry of the run's first event, or -1
         */
        void run(boolean completed, int state, int node, int[] version, long startTs, long previousTs,
                int startEvent, long serial) throws IOException;
    }

    private static final SharedBuffer.Entry[] NO_ENTRIES = new SharedBuffer.Entry[0];
    private static final SharedBuffer.Node[] NO_NODES = new SharedBuffer.Node[0];

    private SharedBuffer.Entry[] entries = NO_ENTRIES;
    private int entryCount;
    private SharedBuffer.Node[] nodes = NO_NODES;
    private int nodeCount;
    private long[] timers = new long[4];

    /** Hands {@code state} to {@code visitor} as a numbered graph. */
    public void visit(PartialMatches state, Visitor visitor) throws IOException {
        try {
            discover(state.runs);
            discover(state.completed);
            for (int i = 0; i < nodeCount; i++) {   // nodeCount grows while edges lead to new nodes
                SharedBuffer.Node node = nodes[i];
                for (int e = 0; e < node.edgeCount(); e++) {
                    discover(node.edgeTarget(e));
                }
            }
            int timerCount = state.timerCount();
            if (timers.length < timerCount) {
                timers = new long[Math.max(timerCount, timers.length * 2)];
            }
            for (int i = 0; i < timerCount; i++) {
                timers[i] = state.timer(i);
            }
            visitor.begin(state.nextSerial, state.newStart, timers, timerCount, state.liveEntries(),
                    state.nodeCount(), state.lastTimestamp(), state.nextId(), entryCount, nodeCount,
                    state.runs.size(), state.completed.size());
            for (int i = 0; i < entryCount; i++) {
                SharedBuffer.Entry entry = entries[i];
                visitor.entry(entry.event, entry.timestamp, entry.id, entry.refs, entry.removed);
            }
            for (int i = 0; i < nodeCount; i++) {
                SharedBuffer.Node node = nodes[i];
                visitor.node(node.entry.mark - 1, node.variable, node.refs, node.removed, node.edgeCount());
            }
            for (int i = 0; i < nodeCount; i++) {
                SharedBuffer.Node node = nodes[i];
                for (int e = 0; e < node.edgeCount(); e++) {
                    SharedBuffer.Node target = node.edgeTarget(e);
                    visitor.edge(target == null ? -1 : target.mark - 1, node.edgeVersion(e), node.edgeRefs(e));
                }
            }
            runs(false, state.runs, visitor);
            runs(true, state.completed, visitor);
        } finally {
            clear();
        }
    }

    /**
     * A copy of {@code state} that later changes to either do not reach: the same graph of new entries, nodes,
     * edges and runs over the same events and versions (both immutable), so that visiting the copy gives exactly
     * the calls visiting {@code state} gave. For copy-on-write snapshots: a key about to change is copied first.
     *
     * @param builder scratch, reusable from one copy to the next
     */
    public PartialMatches copy(PartialMatches state, Builder builder) {
        try {
            visit(state, builder);
        } catch (IOException impossible) {
            throw new AssertionError("a builder writes nothing", impossible);
        }
        return builder.build();
    }

    private static void runs(boolean completed, RunQueue queue, Visitor visitor) throws IOException {
        for (int i = 0; i < queue.size(); i++) {
            Run run = queue.get(i);
            visitor.run(completed, run.state, run.node == null ? -1 : run.node.mark - 1, run.version, run.startTs(),
                    run.previousTs(), run.startEvent == null ? -1 : run.startEvent.mark - 1, run.serial);
        }
    }

    private void discover(RunQueue queue) {
        for (int i = 0; i < queue.size(); i++) {
            Run run = queue.get(i);
            discover(run.node);
            discover(run.startEvent);
        }
    }

    private void discover(SharedBuffer.Node node) {
        if (node == null || node.mark != 0) {
            return;
        }
        if (node.removed) {
            number(node);   // not in its entry's list: number it here
        }
        discover(node.entry);   // numbers a live node together with its entry's other live nodes, in list order
    }

    private void discover(SharedBuffer.Entry entry) {
        if (entry == null || entry.mark != 0) {
            return;
        }
        if (entryCount == entries.length) {
            entries = Arrays.copyOf(entries, Math.max(8, entryCount * 2));
        }
        entries[entryCount++] = entry;
        entry.mark = entryCount;
        for (int i = 0; i < entry.nodeCount(); i++) {
            if (entry.node(i).mark == 0) {
                number(entry.node(i));
            }
        }
    }

    private void number(SharedBuffer.Node node) {
        if (nodeCount == nodes.length) {
            nodes = Arrays.copyOf(nodes, Math.max(8, nodeCount * 2));
        }
        nodes[nodeCount++] = node;
        node.mark = nodeCount;
    }

    private void clear() {
        for (int i = 0; i < entryCount; i++) {
            entries[i].mark = 0;
            entries[i] = null;
        }
        for (int i = 0; i < nodeCount; i++) {
            nodes[i].mark = 0;
            nodes[i] = null;
        }
        entryCount = 0;
        nodeCount = 0;
    }

    /**
     * Rebuilds one key's graph from the calls a {@link Visitor} received, in the same order. Checks every number
     * against what was announced and throws {@link IllegalArgumentException} naming the bad one (a corrupt
     * snapshot), never builds a graph with dangling references.
     *
     * <p><b>Not thread-safe:</b> reusable for one key after another by one thread.
     */
    public static final class Builder implements Visitor {
        private final int stateCount;
        private final int variableCount;
        private PartialMatches state;
        private SharedBuffer.Entry[] entries = NO_ENTRIES;
        private int entryTotal;
        private int entryCount;
        private SharedBuffer.Node[] nodes = NO_NODES;
        private int nodeTotal;
        private int nodeCount;
        private int edgeNode;
        private int edgesLeft;
        private int[] edgeCounts = new int[8];
        private int runTotal;
        private int completedTotal;
        private boolean graphComplete;

        /**
         * @param stateCount the number of NFA states, bounding the runs' state numbers
         * @param variableCount the number of pattern variables, bounding the nodes' variable numbers
         */
        public Builder(int stateCount, int variableCount) {
            this.stateCount = stateCount;
            this.variableCount = variableCount;
        }

        @Override
        public void begin(long nextSerial, boolean newStart, long[] timers, int timerCount, int liveEntries,
                int liveNodes, long lastTimestamp, int nextId, int entries, int nodes, int runs, int completed) {
            check(entries >= 0 && nodes >= 0 && runs >= 1 && completed >= 0 && timerCount >= 0,
                    "negative count or no run in a key");
            for (int i = 1; i < timerCount; i++) {
                check(timers[i - 1] < timers[i], "window timers not ascending");
            }
            state = new PartialMatches();
            state.nextSerial = nextSerial;
            state.newStart = newStart;
            state.restoreTimers(timers, timerCount);
            state.restore(liveEntries, liveNodes, lastTimestamp, nextId);
            this.entries = ensure(this.entries, entries);
            this.nodes = ensure(this.nodes, nodes);
            if (edgeCounts.length < nodes) {
                edgeCounts = new int[Math.max(nodes, edgeCounts.length * 2)];
            }
            entryTotal = entries;
            nodeTotal = nodes;
            entryCount = 0;
            nodeCount = 0;
            edgeNode = 0;
            edgesLeft = 0;
            runTotal = runs;
            completedTotal = completed;
            graphComplete = false;
        }

        @Override
        public void entry(Event event, long timestamp, int id, int refs, boolean removed) {
            check(entryCount < entryTotal, "more entries than announced");
            SharedBuffer.Entry entry = new SharedBuffer.Entry(event, timestamp, id);
            entry.refs = refs;
            entry.removed = removed;
            entries[entryCount++] = entry;
        }

        @Override
        public void node(int entry, int variable, int refs, boolean removed, int edges) {
            check(entryCount == entryTotal, "node before every entry");
            check(nodeCount < nodeTotal, "more nodes than announced");
            check(entry >= 0 && entry < entryTotal, "node of entry " + entry + " outside 0.." + entryTotal);
            check(edges >= 0, "negative edge count");
            check(variable >= 0 && variable < variableCount,
                    "node of variable " + variable + " outside 0.." + variableCount);
            SharedBuffer.Entry owner = entries[entry];
            SharedBuffer.Node node = new SharedBuffer.Node(owner, variable);
            node.refs = refs;
            node.removed = removed;
            if (!removed) {   // live nodes of an entry come in list order (see the class comment)
                owner.addNode(node);
            }
            edgeCounts[nodeCount] = edges;
            nodes[nodeCount++] = node;
        }

        @Override
        public void edge(int target, int[] version, int refs) {
            check(nodeCount == nodeTotal, "edge before every node");
            while (edgesLeft == 0) {
                check(edgeNode < nodeTotal, "more edges than announced");
                edgesLeft = edgeCounts[edgeNode++];
            }
            check(target >= -1 && target < nodeTotal, "edge to node " + target + " outside 0.." + nodeTotal);
            SharedBuffer.Node node = nodes[edgeNode - 1];
            node.addEdge(target < 0 ? null : nodes[target], version, refs);
            edgesLeft--;
        }

        @Override
        public void run(boolean completed, int state, int node, int[] version, long startTs, long previousTs,
                int startEvent, long serial) {
            if (!graphComplete) {
                check(nodeCount == nodeTotal && edgesPlaced(), "run before every node and edge");
                graphComplete = true;
            }
            check(state >= 0 && state < stateCount, "run at state " + state + " outside 0.." + stateCount);
            check(node >= -1 && node < nodeTotal, "run at node " + node + " outside 0.." + nodeTotal);
            check(startEvent >= -1 && startEvent < entryTotal,
                    "run starting at entry " + startEvent + " outside 0.." + entryTotal);
            check(version.length > 0, "empty version");
            SharedBuffer.Entry first = startEvent < 0 ? null : entries[startEvent];
            check(startTs == (first == null ? -1 : first.timestamp),
                    "run starting at " + startTs + ", its first entry at " + (first == null ? -1 : first.timestamp));
            SharedBuffer.Node last = node < 0 ? null : nodes[node];
            long lastTs = last == null ? -1 : last.entry.timestamp;
            check(previousTs == lastTs, "run's last event at " + previousTs + ", its node's at " + lastTs);
            Run run = new Run(state, last, version, first, serial);
            RunQueue queue = completed ? this.state.completedToAdd() : this.state.runs;
            check(queue.size() < (completed ? completedTotal : runTotal), "more runs than announced");
            queue.append(run);
        }

        /** The rebuilt state; the builder forgets it and may start the next key. */
        public PartialMatches build() {
            check(state != null, "no key begun");
            check(entryCount == entryTotal && nodeCount == nodeTotal && edgesPlaced()
                    && state.runs.size() == runTotal && state.completed.size() == completedTotal,
                    "fewer entries, nodes, edges or runs than announced");
            PartialMatches built = state;
            state = null;
            Arrays.fill(entries, 0, entryTotal, null);
            Arrays.fill(nodes, 0, nodeTotal, null);
            return built;
        }

        private boolean edgesPlaced() {
            if (edgesLeft != 0) {
                return false;
            }
            for (int i = edgeNode; i < nodeTotal; i++) {
                if (edgeCounts[i] != 0) {
                    return false;
                }
            }
            return true;
        }

        private static <T> T[] ensure(T[] array, int size) {
            return array.length >= size ? array : Arrays.copyOf(array, Math.max(size, array.length * 2));
        }

        private static void check(boolean condition, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(problem);
            }
        }
    }
}

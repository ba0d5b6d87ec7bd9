package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The versioned shared buffer of one key's partial matches (SASE+; Flink's {@code SharedBuffer} with its
 * {@code SharedBufferAccessor}). An {@link Entry} holds an event taken by at least one run; a {@link Node}
 * binds an entry to a variable; each node has edges to the node of the previous event of some run, labelled
 * with that run's Dewey version. Runs that took the same events share one path, so a run costs a pointer and
 * a version, not a copy of its events.
 *
 * <p>Reference counts (lock/release) follow Flink's exactly, because when an edge is dropped decides which
 * paths a later extraction sees.
 *
 * <p>Abstract because a key's {@link PartialMatches} is its buffer too: one object per key rather than two (a
 * header and a reference fewer on every key held). <b>Not thread-safe:</b> owned with the key.
 */
abstract class SharedBuffer {
    /**
     * An event held by the buffer (Flink: an {@code EventId} and its locked value), with its live nodes in
     * order. Most events are bound to one variable: the first node is kept in a field, the later ones in an array
     * made when a second comes. The count of nodes is a {@code char} (an event has at most one node per variable,
     * and a rule at most {@link #MAX_VARIABLES}): with the fields as they are, the entry takes 48 bytes, not 56.
     */
    static final class Entry {
        final Event event;
        final long timestamp;
        /** Position among the key's events of the same timestamp (Flink's {@code EventId.id}). */
        final int id;
        int refs;
        boolean removed;
        private Node firstNode;
        private Node[] laterNodes = EMPTY_NODES;
        private char nodeCount;
        /** 1-based number while a snapshot visits the key ({@link PartialMatchesGraph}), else 0. */
        int mark;

        Entry(Event event, long timestamp, int id) {
            this.event = event;
            this.timestamp = timestamp;
            this.id = id;
        }

        int nodeCount() {
            return nodeCount;
        }

        Node node(int i) {
            return i == 0 ? firstNode : laterNodes[i - 1];
        }

        void addNode(Node node) {
            if (nodeCount == 0) {
                firstNode = node;
            } else {
                if (nodeCount - 1 == laterNodes.length) {
                    laterNodes = Arrays.copyOf(laterNodes, Math.max(2, laterNodes.length * 2));
                }
                laterNodes[nodeCount - 1] = node;
            }
            nodeCount++;
        }

        /** Removes {@code node} from the list, keeping the others' order. */
        private void removeNode(Node node) {
            for (int i = 0; i < nodeCount; i++) {
                if (node(i) == node) {
                    for (int j = i; j < nodeCount - 1; j++) {
                        setNode(j, node(j + 1));
                    }
                    setNode(--nodeCount, null);
                    return;
                }
            }
        }

        private void setNode(int i, Node node) {
            if (i == 0) {
                firstNode = node;
            } else {
                laterNodes[i - 1] = node;
            }
        }

        /** Flink's {@code EventId.compareTo}: by timestamp, then id. */
        static int compare(Entry a, Entry b) {
            if (a.timestamp != b.timestamp) {
                return a.timestamp < b.timestamp ? -1 : 1;
            }
            return Integer.compare(a.id, b.id);
        }
    }

    /**
     * An entry bound to a variable (Flink's {@code NodeId} + {@code SharedBufferNode}), with its edges in order.
     * Most nodes have one edge (the run that took the event): it is kept in fields of the node, the later ones
     * in an array made when a second comes, which saves two objects per held event. The variable is a {@code char}
     * (below {@link #MAX_VARIABLES}): with the fields as they are, the node takes 48 bytes, not 56.
     */
    static final class Node {
        final Entry entry;
        final char variable;
        int refs;
        boolean removed;
        private Node firstTarget;
        private int[] firstVersion;
        private int firstRefs;
        private Edge[] laterEdges = NO_EDGES;
        private int edgeCount;
        /** 1-based number while a snapshot visits the key ({@link PartialMatchesGraph}), else 0. */
        int mark;

        Node(Entry entry, int variable) {
            if (variable < 0 || variable >= MAX_VARIABLES) {
                throw new IllegalArgumentException("variable " + variable + " outside 0.." + MAX_VARIABLES);
            }
            this.entry = entry;
            this.variable = (char) variable;
        }

        int edgeCount() {
            return edgeCount;
        }

        /** The node edge {@code i} leads to; null: the run's first event. */
        Node edgeTarget(int i) {
            return i == 0 ? firstTarget : laterEdges[i - 1].target;
        }

        int[] edgeVersion(int i) {
            return i == 0 ? firstVersion : laterEdges[i - 1].version;
        }

        int edgeRefs(int i) {
            return i == 0 ? firstRefs : laterEdges[i - 1].refs;
        }

        private void setEdgeRefs(int i, int refs) {
            if (i == 0) {
                firstRefs = refs;
            } else {
                laterEdges[i - 1].refs = refs;
            }
        }

        void addEdge(Node target, int[] version, int refs) {
            if (edgeCount == 0) {
                firstTarget = target;
                firstVersion = version;
                firstRefs = refs;
            } else {
                if (edgeCount - 1 == laterEdges.length) {
                    laterEdges = Arrays.copyOf(laterEdges, Math.max(2, laterEdges.length * 2));
                }
                laterEdges[edgeCount - 1] = new Edge(target, version, refs);
            }
            edgeCount++;
        }

        /** Moves edge {@code from} to the earlier position {@code to} (compacting after removals). */
        private void moveEdge(int from, int to) {
            if (from == to) {
                return;
            }
            Edge moved = laterEdges[from - 1];
            if (to == 0) {
                firstTarget = moved.target;
                firstVersion = moved.version;
                firstRefs = moved.refs;
            } else {
                laterEdges[to - 1] = moved;
            }
        }

        /** Keeps the first {@code count} edges. */
        private void truncateEdges(int count) {
            if (count == 0) {
                firstTarget = null;
                firstVersion = null;
                firstRefs = 0;
            }
            if (edgeCount > 1) {
                Arrays.fill(laterEdges, Math.max(0, count - 1), edgeCount - 1, null);
            }
            edgeCount = count;
        }
    }

    /** A link to the previous node of a run (null target: the run's first event): a node's second edge on. */
    private static final class Edge {
        final Node target;
        final int[] version;
        int refs;

        Edge(Node target, int[] version, int refs) {
            this.target = target;
            this.version = version;
            this.refs = refs;
        }
    }

    /** The most variables a rule may have for its events to be held in a buffer (see {@link Node}). */
    static final int MAX_VARIABLES = Character.MAX_VALUE + 1;

    private static final Node[] EMPTY_NODES = new Node[0];
    private static final Edge[] NO_EDGES = new Edge[0];
    private static final int[][] NO_VERSIONS = new int[0][];

    private int liveEntries;
    private int liveNodes;
    private long lastTimestamp = Long.MIN_VALUE;
    private int nextId;

    SharedBuffer() {}

    int liveEntries() {
        return liveEntries;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    int nextId() {
        return nextId;
    }

    /** Sets the counters a snapshot recorded; the entries and nodes are rebuilt by {@link PartialMatchesGraph}. */
    void restore(int entries, int nodes, long timestamp, int id) {
        liveEntries = entries;
        liveNodes = nodes;
        lastTimestamp = timestamp;
        nextId = id;
    }

    boolean isEmpty() {
        return liveEntries == 0 && liveNodes == 0;
    }

    int nodeCount() {
        return liveNodes;
    }

    /** Flink's {@code registerEvent}: the entry starts locked once, for the duration of its processing. */
    Entry register(Event event, long timestamp) {
        int id;
        if (timestamp == lastTimestamp) {
            id = nextId++;
        } else {
            lastTimestamp = timestamp;
            id = 0;
            nextId = 1;
        }
        Entry entry = new Entry(event, timestamp, id);
        entry.refs = 1;
        liveEntries++;
        return entry;
    }

    /** Flink's {@code put}: bind {@code entry} to {@code variable} after {@code previous} under {@code version}. */
    Node put(int variable, Entry entry, Node previous, int[] version) {
        if (previous != null) {
            lock(previous, version);
        }
        Node node = null;
        for (int i = 0; i < entry.nodeCount; i++) {
            if (entry.node(i).variable == variable) {
                node = entry.node(i);
                break;
            }
        }
        if (node == null) {
            node = new Node(entry, variable);
            entry.addNode(node);
            liveNodes++;
            entry.refs++;
        }
        node.addEdge(previous, version, 0);
        return node;
    }

    /**
     * Flink's {@code lockNode}: the node and its edges compatible with {@code version}. Returns the edges examined
     * (the work, see {@link WorkMeter}): every edge of the node, as Flink's.
     */
    int lock(Node node, int[] version) {
        if (node == null || node.removed) {
            return 0;
        }
        node.refs++;
        for (int i = 0; i < node.edgeCount; i++) {
            if (Dewey.compatible(version, node.edgeVersion(i))) {
                node.setEdgeRefs(i, node.edgeRefs(i) + 1);
            }
        }
        return node.edgeCount;
    }

    /**
     * Flink's {@code releaseNode}: unlock the node and its compatible edges; an edge reaching zero is dropped
     * and its target released in turn; a node reaching zero is removed with its entry's lock. Returns the edges
     * examined (the work, see {@link WorkMeter}).
     */
    int release(Node node, int[] version) {
        // Depth first with an explicit stack (a loop's path can be long), its top in locals: along a run's path a
        // node releases one edge, so the rest of the stack is needed, and made, only where paths branch.
        Node top = node;
        int[] topVersion = version;
        Node[] belowNodes = EMPTY_NODES;
        int[][] belowVersions = NO_VERSIONS;
        int below = 0;
        int examined = 0;
        while (top != null) {
            Node current = top;
            int[] currentVersion = topVersion;
            if (below > 0) {
                below--;
                top = belowNodes[below];
                topVersion = belowVersions[below];
            } else {
                top = null;
                topVersion = null;
            }
            if (current.removed) {
                break; // Flink stops the whole release when it meets a removed node
            }
            int w = 0;
            examined += current.edgeCount;
            for (int i = 0; i < current.edgeCount; i++) {
                int[] edgeVersion = current.edgeVersion(i);
                if (Dewey.compatible(currentVersion, edgeVersion) && releaseCount(current, i)) {
                    Node target = current.edgeTarget(i);
                    if (target != null) {
                        if (top != null) {
                            if (below == belowNodes.length) {
                                belowNodes = Arrays.copyOf(belowNodes, Math.max(4, below * 2));
                                belowVersions = Arrays.copyOf(belowVersions, Math.max(4, below * 2));
                            }
                            belowNodes[below] = top;
                            belowVersions[below] = topVersion;
                            below++;
                        }
                        top = target;
                        topVersion = edgeVersion;
                    }
                } else {
                    current.moveEdge(i, w++);
                }
            }
            current.truncateEdges(w);
            if (current.refs <= 0 || --current.refs == 0) {
                remove(current);
            }
        }
        return examined;
    }

    /** Unlocks edge {@code i} of {@code node}; true when it is no longer locked and goes. */
    private static boolean releaseCount(Node node, int i) {
        int refs = node.edgeRefs(i);
        if (refs <= 0) {
            return true;
        }
        node.setEdgeRefs(i, refs - 1);
        return refs == 1;
    }

    private void remove(Node node) {
        node.removed = true;
        liveNodes--;
        Entry entry = node.entry;
        entry.removeNode(node);
        release(entry);
    }

    /** Flink's {@code releaseEvent}. */
    void release(Entry entry) {
        if (entry.removed) {
            return;
        }
        if (entry.refs <= 0 || --entry.refs == 0) {
            entry.removed = true;
            liveEntries--;
        }
    }

    /**
     * Flink's {@code extractPatterns}: every path from {@code node} back to a run's first event along edges
     * compatible with the versions met, depth first, last edge first. Each path is returned oldest node first.
     */
    List<Node[]> extract(Node node, int[] version) {
        List<Node[]> paths = new ArrayList<>(1);
        if (node == null || node.removed) {
            return paths;
        }
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(node, version, new ArrayList<>()));
        while (!frames.isEmpty()) {
            Frame frame = frames.remove(frames.size() - 1);
            if (frame.node == null) {
                Node[] path = new Node[frame.path.size()];
                for (int i = 0; i < path.length; i++) {
                    path[i] = frame.path.get(path.length - 1 - i);
                }
                paths.add(path);
                continue;
            }
            frame.path.add(frame.node);
            boolean first = true;
            for (int i = 0; i < frame.node.edgeCount; i++) {
                int[] edgeVersion = frame.node.edgeVersion(i);
                if (Dewey.compatible(frame.version, edgeVersion)) {
                    Node target = frame.node.edgeTarget(i);
                    if (target != null && target.removed) {
                        throw new IllegalStateException("shared buffer edge to a removed node");
                    }
                    List<Node> path = first ? frame.path : new ArrayList<>(frame.path);
                    first = false;
                    frames.add(new Frame(target, edgeVersion, path));
                }
            }
        }
        return paths;
    }

    /** The work of extracting {@code paths} (see {@link WorkMeter}): every edge of every node on them. */
    static long extractionWork(List<Node[]> paths) {
        long work = 0;
        for (int i = 0; i < paths.size(); i++) {
            Node[] path = paths.get(i);
            for (Node node : path) {
                work += 1 + node.edgeCount;
            }
        }
        return work;
    }

    /**
     * Forgets every entry and node: the key's runs are dropped wholesale ({@link PartialMatches#dropAll}), and what
     * they held goes to the garbage collector instead of being released run by run. The event numbering is kept.
     */
    void forgetAll() {
        liveEntries = 0;
        liveNodes = 0;
    }

    private record Frame(Node node, int[] version, List<Node> path) {}
}

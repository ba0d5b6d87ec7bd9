package dev.vigil.nfa.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vigil.nfa.Event;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node's edges and an entry's nodes keep their order through removals: the first of each lives in fields, the
 * rest in an array, and a removal can move an array element into the fields. Extraction and release read them in
 * that order (Flink's order of paths depends on it).
 */
class SharedBufferTest {
    private final SharedBuffer buffer = new PartialMatches();

    @Test
    void releasingAnEdgeKeepsTheOthersInOrder() {
        SharedBuffer.Node first = startNode(1);
        SharedBuffer.Node second = startNode(2);
        SharedBuffer.Node third = startNode(3);
        SharedBuffer.Entry shared = buffer.register(event(9), 10);
        int[] v1 = {1, 0};
        int[] v2 = {2, 0};
        int[] v3 = {3, 0};
        SharedBuffer.Node node = buffer.put(1, shared, first, v1);
        assertSame(node, buffer.put(1, shared, second, v2));
        assertSame(node, buffer.put(1, shared, third, v3));
        buffer.lock(node, v1);
        buffer.lock(node, v2);
        buffer.lock(node, v3);
        assertEquals(3, node.edgeCount());

        assertEquals(2, second.refs);   // its run's lock, and the edge's
        buffer.release(node, v2);   // the middle edge goes and releases its target once

        assertEquals(2, node.edgeCount());
        assertSame(first, node.edgeTarget(0));
        assertSame(third, node.edgeTarget(1));
        assertArrayEquals(v3, node.edgeVersion(1));
        assertEquals(1, second.refs);
        assertEquals(List.of(List.of(first, node)), paths(node, v1));
        assertEquals(List.of(), paths(node, v2));
        assertEquals(List.of(List.of(third, node)), paths(node, v3));

        buffer.release(node, v1);   // the first edge goes: the array's edge moves into the fields

        assertEquals(1, node.edgeCount());
        assertSame(third, node.edgeTarget(0));
        assertArrayEquals(v3, node.edgeVersion(0));
        assertEquals(1, node.edgeRefs(0));
        assertEquals(List.of(List.of(third, node)), paths(node, v3));
    }

    @Test
    void removingANodeKeepsTheEntrysOthersInOrder() {
        SharedBuffer.Entry entry = buffer.register(event(1), 10);
        int[] version = {1};
        SharedBuffer.Node a = buffer.put(0, entry, null, version);
        SharedBuffer.Node b = buffer.put(1, entry, null, version);
        SharedBuffer.Node c = buffer.put(2, entry, null, version);
        for (SharedBuffer.Node node : List.of(a, b, c)) {
            buffer.lock(node, version);
        }

        buffer.release(b, version);
        assertEquals(List.of(a, c), nodes(entry));
        SharedBuffer.Node d = buffer.put(3, entry, null, version);
        assertEquals(List.of(a, c, d), nodes(entry));
        buffer.release(a, version);
        assertEquals(List.of(c, d), nodes(entry));
        assertEquals(2, buffer.nodeCount());
        assertSame(c, buffer.put(2, entry, null, version), "a variable's node is found again after a move");
    }

    private SharedBuffer.Node startNode(int sequence) {
        SharedBuffer.Entry entry = buffer.register(event(sequence), sequence);
        int[] version = {sequence};
        SharedBuffer.Node node = buffer.put(0, entry, null, version);
        buffer.lock(node, version);
        return node;
    }

    private List<List<SharedBuffer.Node>> paths(SharedBuffer.Node node, int[] version) {
        return buffer.extract(node, version).stream().map(List::of).toList();
    }

    private static List<SharedBuffer.Node> nodes(SharedBuffer.Entry entry) {
        SharedBuffer.Node[] nodes = new SharedBuffer.Node[entry.nodeCount()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = entry.node(i);
        }
        return List.of(nodes);
    }

    private static Event event(long sequence) {
        return new Event("s", sequence, sequence, Map.of());
    }
}

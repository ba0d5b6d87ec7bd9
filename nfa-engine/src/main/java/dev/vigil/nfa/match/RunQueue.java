package dev.vigil.nfa.match;

import java.util.Arrays;
import java.util.List;

/**
 * A binary min-heap of runs ordered by {@link Run#compare}, replicating {@code java.util.PriorityQueue}
 * (JDK 17) operation for operation: same sift-up/sift-down, same array order when iterated, same
 * bulk-remove-then-heapify. Flink keeps its partial and completed matches in PriorityQueues and iterates them
 * in array order, and runs that compare equal (same first event) come out in an order only the heap layout
 * decides; reproducing the layout reproduces Flink's order of runs and of simultaneous matches.
 */
final class RunQueue {
    private static final Run[] EMPTY = new Run[0];
    // Allocated on first add: a key's queue of held completed matches is usually never used.
    private Run[] items = EMPTY;
    private int size;

    int size() {
        return size;
    }

    /** The run at array position {@code i} (PriorityQueue iteration order). */
    Run get(int i) {
        return items[i];
    }

    Run peek() {
        return size == 0 ? null : items[0];
    }

    void add(Run run) {
        makeRoom();
        siftUp(size++, run);
    }

    /** Appends at the end of the array without sifting: restores a layout a snapshot recorded in array order. */
    void append(Run run) {
        makeRoom();
        items[size++] = run;
    }

    private void makeRoom() {
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.max(2, items.length * 2));   // mostly the start run and one
        }
    }

    Run poll() {
        if (size == 0) {
            return null;
        }
        Run result = items[0];
        int n = --size;
        Run last = items[n];
        items[n] = null;
        if (n > 0) {
            siftDown(0, last, n);
        }
        return result;
    }

    void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
    }

    /**
     * PriorityQueue.removeAll: drop every run equal to one in {@code runs}, keep order, re-heapify. Equality is by
     * value ({@link Run#sameAs}), as Flink's; more than a few runs are looked up by a hash of their values, so
     * dropping k of n runs costs O(n + k), not O(n * k) (the partial-match bound drops thousands at once).
     */
    void removeAll(List<Run> runs) {
        RunLookup lookup = runs.size() <= LINEAR_LOOKUP ? null : new RunLookup(runs);
        int w = 0;
        boolean removed = false;
        for (int i = 0; i < size; i++) {
            Run item = items[i];
            if (lookup != null ? lookup.contains(item) : contains(runs, item)) {
                removed = true;
            } else {
                items[w++] = item;
            }
        }
        if (!removed) {
            return;
        }
        Arrays.fill(items, w, size, null);
        size = w;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, items[i], size);
        }
    }

    /** Up to this many runs to remove are compared one by one: no table to build for the usual one or two. */
    private static final int LINEAR_LOOKUP = 8;

    private static boolean contains(List<Run> runs, Run run) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).sameAs(run)) {
                return true;
            }
        }
        return false;
    }

    /** An open-addressing table of runs by a hash of the values {@link Run#sameAs} compares. */
    private static final class RunLookup {
        private final List<Run> runs;
        /** Index into {@code runs} + 1; 0: free. */
        private final int[] slots;
        private final int mask;

        RunLookup(List<Run> runs) {
            this.runs = runs;
            int capacity = Integer.highestOneBit(Math.max(4, runs.size()) * 2 - 1) << 1;
            slots = new int[capacity];
            mask = capacity - 1;
            for (int i = 0; i < runs.size(); i++) {
                int slot = hash(runs.get(i)) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = i + 1;
            }
        }

        boolean contains(Run run) {
            int slot = hash(run) & mask;
            for (int at; (at = slots[slot]) != 0; slot = (slot + 1) & mask) {
                if (runs.get(at - 1).sameAs(run)) {
                    return true;
                }
            }
            return false;
        }

        private static int hash(Run run) {
            int h = run.state * 31 + Arrays.hashCode(run.version);
            h = h * 31 + Long.hashCode(run.startTs());
            h = h * 31 + Long.hashCode(run.previousTs());
            return h ^ (h >>> 16);
        }
    }

    private void siftUp(int k, Run x) {
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            Run e = items[parent];
            if (Run.compare(x, e) >= 0) {
                break;
            }
            items[k] = e;
            k = parent;
        }
        items[k] = x;
    }

    private void siftDown(int k, Run x, int n) {
        int half = n >>> 1;
        while (k < half) {
            int child = (k << 1) + 1;
            Run c = items[child];
            int right = child + 1;
            if (right < n && Run.compare(c, items[right]) > 0) {
                c = items[child = right];
            }
            if (Run.compare(x, c) <= 0) {
                break;
            }
            items[k] = c;
            k = child;
        }
        items[k] = x;
    }
}

package dev.vigil.nfa.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A priority queue for elements that mostly arrive in order: the runtime's waiting events (timestamps rise but
 * for late-ish arrivals within the watermark delay) and its timers (a rule's window is fixed, so deadlines rise with
 * the events). An element not below the last one queued in order goes to the back of a FIFO, in constant time;
 * only one below it goes into a binary heap. The head is the lower of the two heads, so the queue yields exactly
 * what a {@link PriorityQueue} of all the elements would (elements must be totally ordered: no two compare equal).
 *
 * <p>{@link #toSortedArray} lists the elements in order; added back in that order they all go to the FIFO, so a
 * restored runtime lists them again the same way (a second snapshot has the same bytes).
 *
 * <p><b>Not thread-safe.</b>
 */
final class NearlySortedQueue<T extends Comparable<? super T>> {
    private final ArrayDeque<T> inOrder = new ArrayDeque<>();
    private final PriorityQueue<T> outOfOrder = new PriorityQueue<>();

    void add(T element) {
        T last = inOrder.peekLast();
        if (last == null || last.compareTo(element) < 0) {
            inOrder.addLast(element);
        } else {
            outOfOrder.add(element);
        }
    }

    /** The lowest element, or null when empty. */
    T peek() {
        T fromFifo = inOrder.peekFirst();
        T fromHeap = outOfOrder.peek();
        if (fromHeap == null) {
            return fromFifo;
        }
        return fromFifo == null || fromHeap.compareTo(fromFifo) < 0 ? fromHeap : fromFifo;
    }

    /** Removes and returns the lowest element, or null when empty. */
    T poll() {
        T fromFifo = inOrder.peekFirst();
        T fromHeap = outOfOrder.peek();
        if (fromHeap == null) {
            return inOrder.pollFirst();
        }
        return fromFifo == null || fromHeap.compareTo(fromFifo) < 0 ? outOfOrder.poll() : inOrder.pollFirst();
    }

    boolean isEmpty() {
        return inOrder.isEmpty() && outOfOrder.isEmpty();
    }

    int size() {
        return inOrder.size() + outOfOrder.size();
    }

    void clear() {
        inOrder.clear();
        outOfOrder.clear();
    }

    /** Calls {@code each} with every element, in no particular order; takes time in the size. */
    void forEach(java.util.function.Consumer<? super T> each) {
        inOrder.forEach(each);
        outOfOrder.forEach(each);
    }

    /** Removes every element {@code gone} accepts, keeping the others in their order; takes time in the size. */
    void removeIf(java.util.function.Predicate<? super T> gone) {
        inOrder.removeIf(gone);
        outOfOrder.removeIf(gone);
    }

    /** Every element, lowest first: the FIFO (in order already) merged with the heap's elements sorted. */
    T[] toSortedArray(T[] empty) {
        T[] fifo = inOrder.toArray(empty);
        T[] heap = outOfOrder.toArray(empty);
        if (heap.length == 0) {
            return fifo;
        }
        Arrays.sort(heap);
        T[] merged = Arrays.copyOf(fifo, fifo.length + heap.length);
        int f = 0;
        int h = 0;
        for (int i = 0; i < merged.length; i++) {
            if (h == heap.length || (f < fifo.length && fifo[f].compareTo(heap[h]) < 0)) {
                merged[i] = fifo[f++];
            } else {
                merged[i] = heap[h++];
            }
        }
        return merged;
    }
}

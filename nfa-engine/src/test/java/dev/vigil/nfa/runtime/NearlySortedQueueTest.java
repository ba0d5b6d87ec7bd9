package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearlySortedQueueTest {
    /** A totally ordered element: a deadline (may repeat) and a unique order number, like the runtime's timers. */
    record Item(long deadline, long order) implements Comparable<Item> {
        @Override
        public int compareTo(Item other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(order, other.order);
        }
    }

    @Test
    void yieldsWhatAPriorityQueueYieldsForAnyMixOfAddsAndPolls() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            NearlySortedQueue<Item> queue = new NearlySortedQueue<>();
            PriorityQueue<Item> reference = new PriorityQueue<>();
            long order = 0;
            long time = 0;
            for (int step = 0; step < 300; step++) {
                if (random.nextInt(3) > 0) {
                    time += random.nextInt(3);
                    // mostly rising deadlines, some below the latest (late events, shorter windows)
                    Item item = new Item(time - (random.nextInt(5) == 0 ? random.nextInt(20) : 0), order++);
                    queue.add(item);
                    reference.add(item);
                } else {
                    assertEquals(reference.peek(), queue.peek());
                    assertEquals(reference.poll(), queue.poll());
                }
                assertEquals(reference.size(), queue.size());
                assertEquals(reference.isEmpty(), queue.isEmpty());
            }
            while (!reference.isEmpty()) {
                assertEquals(reference.poll(), queue.poll());
            }
            assertNull(queue.poll());
            assertNull(queue.peek());
            assertTrue(queue.isEmpty());
        }
    }

    @Test
    void listsItsElementsInOrderAndTheSameWayOnceRefilledFromThatList() {
        SplittableRandom random = new SplittableRandom(11);
        NearlySortedQueue<Item> queue = new NearlySortedQueue<>();
        List<Item> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Item item = new Item(i / 3 - random.nextInt(4) * (random.nextInt(6) == 0 ? 10 : 0), i);
            queue.add(item);
            all.add(item);
        }
        Item[] listed = queue.toSortedArray(new Item[0]);
        all.sort(null);
        assertArrayEquals(all.toArray(new Item[0]), listed);

        NearlySortedQueue<Item> refilled = new NearlySortedQueue<>();
        for (Item item : listed) {
            refilled.add(item);
        }
        assertArrayEquals(listed, refilled.toSortedArray(new Item[0]));
        assertEquals(500, refilled.size());
    }

    @Test
    void clearEmptiesBothParts() {
        NearlySortedQueue<Item> queue = new NearlySortedQueue<>();
        queue.add(new Item(5, 0));
        queue.add(new Item(1, 1));   // below the last: into the heap
        queue.clear();
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.toSortedArray(new Item[0]).length);
    }
}

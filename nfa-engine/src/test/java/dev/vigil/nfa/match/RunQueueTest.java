package dev.vigil.nfa.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunQueueTest {
    /** A run wrapped so that PriorityQueue compares it as Flink's comparator and equals it by value. */
    private record ByValue(Run run) {
        @Override
        public boolean equals(Object other) {
            return other instanceof ByValue that && run.sameAs(that.run);
        }

        @Override
        public int hashCode() {
            return 0;   // PriorityQueue.removeAll asks the collection's contains, a list here: no hashing
        }
    }

    @Test
    void removingFewOrManyRunsLeavesTheLayoutPriorityQueueLeaves() {
        Random random = new Random(16);
        for (int round = 0; round < 200; round++) {
            List<SharedBuffer.Entry> starts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                starts.add(new SharedBuffer.Entry(new Event("s", i, i, Map.of()), 1_000 + i / 2, i % 2));
            }
            RunQueue queue = new RunQueue();
            PriorityQueue<ByValue> reference = new PriorityQueue<>((a, b) -> Run.compare(a.run, b.run));
            List<Run> all = new ArrayList<>();
            int size = 1 + random.nextInt(60);
            for (int i = 0; i < size; i++) {
                // few distinct versions: some runs equal others by value, and removing one removes all its equals
                Run run = new Run(random.nextInt(3), null, new int[] {1, random.nextInt(4)},
                        starts.get(random.nextInt(starts.size())), i);
                all.add(run);
                queue.add(run);
                reference.add(new ByValue(run));
            }
            List<Run> remove = new ArrayList<>();
            List<ByValue> removeReference = new ArrayList<>();
            int removing = random.nextInt(size + 1);
            for (int i = 0; i < removing; i++) {
                Run run = all.get(random.nextInt(size));
                remove.add(run);
                removeReference.add(new ByValue(run));
            }
            queue.removeAll(remove);
            reference.removeAll(removeReference);
            Object[] expected = reference.toArray();
            assertEquals(expected.length, queue.size(), "round " + round + ", removing " + removing);
            for (int i = 0; i < expected.length; i++) {
                assertSame(((ByValue) expected[i]).run, queue.get(i), "round " + round + ", position " + i);
            }
        }
    }
}

package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vigil.nfa.Event;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SkippedEventsTest {
    private record Held(Event event, Object key, long arrival) {}

    @Test
    void holdsWhatADequeWouldThroughGrowthCompactionAndReleases() {
        SplittableRandom random = new SplittableRandom(3);
        SkippedEvents skipped = new SkippedEvents();
        ArrayDeque<Held> reference = new ArrayDeque<>();
        long time = 1_000;
        long arrival = 0;
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(10) < 7) {
                // bursts long enough to grow the arrays, and releases that leave part of them behind
                time += random.nextInt(2);
                Event event = new Event("s", time, arrival, Map.of());
                String key = "k" + random.nextInt(50);
                skipped.add(event, key, arrival);
                reference.add(new Held(event, key, arrival));
                arrival++;
            } else {
                long watermark = time - random.nextInt(3);
                skipped.releaseUpTo(watermark);
                while (!reference.isEmpty() && reference.peek().event().timestamp() <= watermark) {
                    reference.poll();
                }
            }
            assertEquals(reference.size(), skipped.size());
            int i = 0;
            for (Held held : reference) {
                assertSame(held.event(), skipped.event(i));
                assertSame(held.key(), skipped.key(i));
                assertEquals(held.arrival(), skipped.arrival(i));
                i++;
            }
        }
        skipped.clear();
        assertEquals(0, skipped.size());
    }
}

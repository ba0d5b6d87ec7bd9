package dev.vigil.nfa.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A key's window timers: ascending, distinct, fired up to a time, restored as recorded. */
class PartialMatchesTimersTest {
    @Test
    void keepTheTimersOfASortedSetThroughAddsAndFirings() {
        Random random = new Random(11);
        PartialMatches state = new PartialMatches();
        TreeSet<Long> expected = new TreeSet<>();
        long now = 0;
        for (int i = 0; i < 20_000; i++) {
            if (random.nextInt(3) == 0) {
                now += random.nextInt(40);
                state.fireTimersUpTo(now);
                expected.headSet(now, true).clear();
            } else {
                long timer = now + 1 + random.nextInt(random.nextBoolean() ? 5 : 100);   // repeats and reorders
                state.addTimer(timer);
                expected.add(timer);
            }
            assertEquals(new ArrayList<>(expected), timers(state), "after step " + i);
            assertEquals(expected.isEmpty() ? Long.MAX_VALUE : expected.first(), state.firstTimer());
        }
    }

    @Test
    void restoredTimersAreTheRecordedOnes() {
        PartialMatches state = new PartialMatches();
        state.addTimer(50);
        state.restoreTimers(new long[] {10, 20, 30, 0}, 3);
        assertEquals(List.of(10L, 20L, 30L), timers(state));
        state.addTimer(5);
        state.fireTimersUpTo(20);
        assertEquals(List.of(30L), timers(state));
        state.restoreTimers(new long[0], 0);
        assertEquals(List.of(), timers(state));
        assertEquals(Long.MAX_VALUE, state.firstTimer());
    }

    private static List<Long> timers(PartialMatches state) {
        List<Long> timers = new ArrayList<>();
        for (int i = 0; i < state.timerCount(); i++) {
            timers.add(state.timer(i));
        }
        return timers;
    }
}

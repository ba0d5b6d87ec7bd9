package dev.vigil.nfa.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class StartRunsTest {
    private final StartRuns runs = new StartRuns(3);

    @Test
    void theFirstStartRunIsAtTheStartStateWithVersionOneAndNothingBound() {
        Run first = runs.first();
        assertEquals(3, first.state);
        assertArrayEquals(new int[] {1}, first.version);
        assertNull(first.node);
        assertNull(first.startEvent);
        assertEquals(-1, first.startTs());
        assertEquals(StartRuns.SERIAL, first.serial);
    }

    @Test
    void nextStartRunsOfTheFirstVersionsAreSharedAndCarryTheIncreasedVersion() {
        Run second = runs.next(runs.first(), 1);
        Run fourth = runs.next(second, 2);
        assertArrayEquals(new int[] {2}, second.version);
        assertArrayEquals(new int[] {4}, fourth.version);
        assertSame(second, runs.next(runs.first(), 1));
        assertSame(fourth, runs.next(runs.next(runs.first(), 2), 1));
    }

    @Test
    void versionsBeyondTheSharedOnesGetARunOfTheirOwn() {
        Run last = runs.next(runs.first(), 31);
        assertArrayEquals(new int[] {32}, last.version);
        Run beyond = runs.next(last, 1);
        assertArrayEquals(new int[] {33}, beyond.version);
        assertNotSame(beyond, runs.next(last, 1));
        assertEquals(3, beyond.state);
        assertEquals(StartRuns.SERIAL, beyond.serial);
    }

    @Test
    void aLongerRestoredVersionIsIncreasedInItsLastDigit() {
        Run restored = new Run(3, null, new int[] {2, 5}, null, 7);
        assertArrayEquals(new int[] {2, 6}, runs.next(restored, 1).version);
    }
}

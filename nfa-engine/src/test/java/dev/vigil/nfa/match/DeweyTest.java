package dev.vigil.nfa.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class DeweyTest {
    @Test
    void addStageAppendsAZeroDigit() {
        assertArrayEquals(new int[] {1, 0}, Dewey.addStage(new int[] {1}));
        assertArrayEquals(new int[] {3, 7, 0}, Dewey.addStage(new int[] {3, 7}));
        assertArrayEquals(new int[] {12, 0}, Dewey.addStage(new int[] {12}));
        assertArrayEquals(new int[] {1, 0, 0, 0}, Dewey.addStage(new int[] {1, 0, 0}));
    }

    @Test
    void increaseRaisesTheLastDigitAndLeavesTheVersionAlone() {
        int[] version = {2, 5};
        assertArrayEquals(new int[] {2, 6}, Dewey.increase(version, 1));
        assertArrayEquals(new int[] {2, 9}, Dewey.increase(version, 4));
        assertArrayEquals(new int[] {9, 1}, Dewey.increase(new int[] {9, 0}, 1));
        assertArrayEquals(new int[] {2, 5}, version);
        assertSame(version, Dewey.increase(version, 0));
    }

    @Test
    void shortVersionsWithSmallDigitsAreSharedAndOthersAreNot() {
        assertSame(Dewey.addStage(new int[] {1}), Dewey.addStage(new int[] {1}));
        assertSame(Dewey.increase(new int[] {1, 0}, 1), Dewey.increase(new int[] {1, 0}, 1));
        assertSame(Dewey.addStage(new int[] {1, 1}), Dewey.addStage(Dewey.increase(new int[] {1, 0}, 1)));
        assertNotSame(Dewey.addStage(new int[] {12}), Dewey.addStage(new int[] {12}));
        assertNotSame(Dewey.increase(new int[] {1, 7}, 1), Dewey.increase(new int[] {1, 7}, 1));
        assertNotSame(Dewey.addStage(new int[] {1, 0, 0}), Dewey.addStage(new int[] {1, 0, 0}));
    }
}

package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The heap store's queue of keys holding partial matches: oldest first, a key that left and came back is new again,
 * and the order survives the clearing of stale entries and the growth of the arrays.
 */
class HolderQueueTest {
    private final HolderQueue queue = new HolderQueue();
    private long stamps;

    @Test
    void theOldestCurrentHolderComesFirstAndAKeyThatCameBackIsNew() {
        KeyState a = state("a");
        KeyState b = state("b");
        KeyState c = state("c");
        join(a);
        join(b);
        join(c);
        assertSame(a, queue.oldest());
        a.heldSince = 0;   // a holds nothing now
        assertSame(b, queue.oldest());
        join(a);           // and begins again, after c
        b.heldSince = 0;
        c.heldSince = 0;
        assertSame(a, queue.oldest());
        a.heldSince = 0;
        assertNull(queue.oldest());
    }

    @Test
    void theOrderSurvivesClearingAndGrowth() {
        List<KeyState> current = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            KeyState state = state("k" + i);
            join(state);
            if (i % 3 == 0) {
                state.heldSince = 0;   // two in three stay: the arrays are cleared and grow many times
            } else {
                current.add(state);
            }
        }
        for (KeyState expected : current) {
            assertSame(expected, queue.oldest());
            expected.heldSince = 0;
        }
        assertNull(queue.oldest());
        assertEquals(6_666, current.size());
    }

    private void join(KeyState state) {
        state.heldSince = ++stamps;
        queue.add(state);
    }

    private static KeyState state(String key) {
        return new KeyState(key, null, 1);
    }
}

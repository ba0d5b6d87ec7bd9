package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The heap store's key table: finds, adds and removes states by key, and iterates as a {@code HashMap} with the
 * same history, which keeps snapshots of restored runtimes byte for byte the same.
 */
class KeyTableTest {
    private static KeyState state(Object key) {
        return new KeyState(key, null, 1);
    }

    @Test
    void findsAddsAndRemovesStatesByKey() {
        KeyTable table = new KeyTable();
        KeyState one = state("k1");
        KeyState two = state(List.of("k", 2));
        assertTrue(table.add(one));
        assertTrue(table.add(two));
        assertFalse(table.add(state("k1")), "a key holds one state");
        assertSame(one, table.get(new String("k1")));
        assertSame(two, table.get(List.of("k", 2)));
        assertNull(table.get("k3"));
        assertNull(table.get(null));
        assertEquals(2, table.size());
        table.remove(one);
        assertNull(table.get("k1"));
        assertSame(two, table.get(List.of("k", 2)));
        assertEquals(1, table.size());
        table.remove(one);   // no longer in it: nothing changes
        assertEquals(1, table.size());
    }

    @Test
    void keysWithTheSameHashShareAChainAndStayApart() {
        // "Aa" and "BB" have the same String hash, and so do longer strings made of them.
        String[] colliding = {"AaAa", "AaBB", "BBAa", "BBBB"};
        assertEquals(colliding[0].hashCode(), colliding[3].hashCode());
        KeyTable table = new KeyTable();
        List<KeyState> states = new ArrayList<>();
        for (String key : colliding) {
            KeyState state = state(key);
            states.add(state);
            assertTrue(table.add(state));
        }
        table.remove(states.get(1));
        assertNull(table.get("AaBB"));
        assertSame(states.get(0), table.get("AaAa"));
        assertSame(states.get(2), table.get("BBAa"));
        assertSame(states.get(3), table.get("BBBB"));
        assertEquals(List.of("AaAa", "BBAa", "BBBB"), keys(table.toArray()));
    }

    @Test
    void iteratesAsAHashMapOfTheSameHistoryThroughGrowthAndRemovals() {
        Random random = new Random(7);
        KeyTable table = new KeyTable();
        HashMap<Object, KeyState> map = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            Object key = random.nextInt(5) == 0 ? (Object) (long) random.nextInt(3_000) : "key-" + random.nextInt(6_000);
            KeyState present = map.get(key);
            if (present != null && random.nextBoolean()) {
                table.remove(present);
                map.remove(key);
            } else if (present == null) {
                KeyState state = state(key);
                assertTrue(table.add(state));
                map.put(key, state);
            }
            if (i % 997 == 0) {
                assertEquals(new ArrayList<>(map.keySet()), keys(table.toArray()), "after " + i + " changes");
            }
        }
        assertEquals(map.size(), table.size());
        assertEquals(new ArrayList<>(map.keySet()), keys(table.toArray()));
        assertTrue(table.capacity() > 1024, "the table grew");
    }

    @Test
    void aTableOfTheSameCapacityRefilledInIterationOrderIteratesTheSame() {
        KeyTable table = new KeyTable();
        for (int i = 0; i < 5_000; i++) {
            table.add(state("k" + (i * 7919 % 10_007)));
        }
        KeyState[] first = table.toArray();
        for (int i = 0; i < first.length; i += 3) {
            table.remove(first[i]);
        }
        KeyState[] before = table.toArray();
        KeyTable refilled = new KeyTable(table.capacity());
        for (KeyState state : before) {
            refilled.add(state(state.key));
        }
        assertEquals(table.capacity(), refilled.capacity());
        assertEquals(keys(before), keys(refilled.toArray()));
    }

    @Test
    void aTableGrownToTheMostKeysHasTheCapacityTheTableGrewTo() {
        KeyTable table = new KeyTable();
        for (int i = 1; i <= 5_000; i++) {
            table.add(state("k" + i));
            if (i % 250 == 0 || i == 12 || i == 13) {
                assertEquals(table.capacity(), KeyTable.grownTo(i).capacity(), "after " + i + " keys");
            }
        }
        assertEquals(16, KeyTable.grownTo(0).capacity());
    }

    @Test
    void capacityIsAPowerOfTwoFromSixteen() {
        assertThrows(IllegalArgumentException.class, () -> new KeyTable(8));
        assertThrows(IllegalArgumentException.class, () -> new KeyTable(48));
        assertEquals(64, new KeyTable(64).capacity());
    }

    private static List<Object> keys(KeyState[] states) {
        List<Object> keys = new ArrayList<>();
        for (KeyState state : states) {
            keys.add(state.key);
        }
        return keys;
    }
}

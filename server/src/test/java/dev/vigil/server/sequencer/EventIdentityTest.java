package dev.vigil.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Event identities are a fixed function: the golden values below are what every JVM and every later version must
 * compute (alert ids in users' logs and topics depend on them), so a change here fails loudly. They were computed
 * by an independent implementation of the documented function (Python, 64-bit masked arithmetic).
 */
class EventIdentityTest {
    @Test
    void identitiesAreTheGoldenValues() {
        assertEquals("9bc6b660159a6634", hex(EventIdentity.ofBatch("sender-1", 0, 0)));
        assertEquals("ca7a940c40087529", hex(EventIdentity.ofBatch("sender-1", 0, 1)));
        assertEquals("d40426b359e25da3", hex(EventIdentity.ofBatch("sender-1", 1, 0)));
        assertEquals("c0d36791ce075c36", hex(EventIdentity.ofBatch("sénder-1", 0, 0)));
        assertEquals("e8fb7e1744959be0", hex(EventIdentity.ofRecord("payments", 0, 0)));
        assertEquals("e50a14cf8087a667", hex(EventIdentity.ofRecord("payments", 3, 1_234_567_890_123L)));
    }

    @Test
    void theBaseOnceThenThePositionGivesTheSameIdentity() {
        long batch = EventIdentity.batch("p", 42);
        assertEquals(EventIdentity.ofBatch("p", 42, 7), EventIdentity.at(batch, 7));
        long partition = EventIdentity.partition("t", 2);
        assertEquals(EventIdentity.ofRecord("t", 2, 99), EventIdentity.at(partition, 99));
    }

    @Test
    void namedIdentitiesAreNegativeSoTheyNeverMeetTheServersNumbers() {
        for (int i = 0; i < 1_000; i++) {
            assertTrue(EventIdentity.ofBatch("p", i, i) < 0);
            assertTrue(EventIdentity.ofRecord("t", i, i) < 0);
        }
    }

    @Test
    void coordinatesThatDifferGiveIdentitiesThatDiffer() {
        Set<Long> seen = new HashSet<>();
        for (String name : new String[] {"a", "b", "ab", "a:1"}) {
            for (int sequence = 0; sequence < 50; sequence++) {
                for (int index = 0; index < 50; index++) {
                    assertTrue(seen.add(EventIdentity.ofBatch(name, sequence, index)), name + " " + sequence);
                    assertTrue(seen.add(EventIdentity.ofRecord(name, sequence, index)), name + " " + sequence);
                }
            }
        }
        assertNotEquals(EventIdentity.ofBatch("x", 1, 0), EventIdentity.ofRecord("x", 1, 0),
                "a batch and a partition of the same name and number are not the same source");
    }

    private static String hex(long value) {
        return String.format("%016x", value);
    }
}

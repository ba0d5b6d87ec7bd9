package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The accepted range of event times, and time arithmetic that saturates instead of wrapping. */
class EventTimeTest {
    @Test
    void theRangeIsTheIsoYears1To9999() {
        assertEquals(Instant.parse("0001-01-01T00:00:00Z").toEpochMilli(), EventTime.MIN_MS);
        assertEquals(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(), EventTime.MAX_MS);
        assertTrue(EventTime.accepted(EventTime.MIN_MS));
        assertTrue(EventTime.accepted(EventTime.MAX_MS));
        assertFalse(EventTime.accepted(EventTime.MIN_MS - 1));
        assertFalse(EventTime.accepted(EventTime.MAX_MS + 1));
        assertFalse(EventTime.accepted(Long.MIN_VALUE), "Long.MIN_VALUE is 'no time yet'");
        assertFalse(EventTime.accepted(Long.MAX_VALUE), "Long.MAX_VALUE is 'end of input'");
    }

    @Test
    void sumsAndDifferencesSaturateAtTheEndsOfLong() {
        assertEquals(3, EventTime.plus(1, 2));
        assertEquals(-1, EventTime.minus(1, 2));
        assertEquals(Long.MAX_VALUE, EventTime.plus(Long.MAX_VALUE - 1, 2));
        assertEquals(Long.MAX_VALUE, EventTime.plus(1, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, EventTime.plus(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, EventTime.plus(Long.MIN_VALUE, -1));
        assertEquals(-1, EventTime.plus(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, EventTime.minus(Long.MIN_VALUE + 1, 2));
        assertEquals(Long.MIN_VALUE, EventTime.minus(-2, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, EventTime.minus(Long.MAX_VALUE, -1));
        assertEquals(Long.MAX_VALUE, EventTime.minus(0, Long.MIN_VALUE));
        assertEquals(Long.MIN_VALUE + 1, EventTime.minus(0, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, EventTime.minus(-1, Long.MAX_VALUE), "exactly the least long");
    }

    @Test
    void theWatermarkAfterATimeNeverWrapsAround() {
        assertEquals(989, EventTime.watermarkAfter(1_000, 10));
        assertEquals(-1, EventTime.watermarkAfter(0, 0));
        assertEquals(Long.MIN_VALUE, EventTime.watermarkAfter(Long.MIN_VALUE, 0), "nothing seen: no watermark");
        assertEquals(Long.MIN_VALUE, EventTime.watermarkAfter(-1, Long.MAX_VALUE),
                "a delay longer than all time: no watermark, not the end of time");
        assertEquals(Long.MIN_VALUE, EventTime.watermarkAfter(EventTime.MIN_MS, Long.MAX_VALUE));
        assertEquals(EventTime.MAX_MS - 1, EventTime.watermarkAfter(EventTime.MAX_MS, 0));
        assertEquals(Long.MAX_VALUE - 1, EventTime.watermarkAfter(Long.MAX_VALUE, 0));
    }
}

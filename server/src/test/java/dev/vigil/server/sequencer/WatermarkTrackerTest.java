package dev.vigil.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Event time combined per stream from its sources: minimum of the active ones, idleness, explicit watermarks. */
class WatermarkTrackerTest {
    private static final long IDLE = 1_000;   // ns: the tests pass time explicitly
    private final WatermarkTracker time = new WatermarkTracker(IDLE);

    WatermarkTrackerTest() {
        time.track(Map.of("payments", 0L, "logins", 100L), 0);
    }

    @Test
    void oneSourceGivesMaxSeenMinusDelayMinusOne() {
        EventSource source = time.open("a", 0);
        time.observe(source, "payments", 5_000, 0);
        time.observe(source, "logins", 5_000, 0);
        assertEquals(4_999, time.watermark("payments"));
        assertEquals(4_899, time.watermark("logins"), "logins declares a 100 ms delay");
        assertTrue(time.isLate("payments", 4_999));
        assertFalse(time.isLate("payments", 5_000), "an equal timestamp is on time without a delay");
    }

    @Test
    void aSourceHoldingAStreamHoldsItBackBeforeItSendsAnything() {
        EventSource partition0 = EventSource.holding("kafka:t:0", List.of("payments"));
        time.open(partition0, 0);
        EventSource partition1 = time.open("kafka:t:1", 0);
        time.observe(partition1, "payments", 9_000, 0);
        assertEquals(Long.MIN_VALUE, time.watermark("payments"), "partition 0 has sent nothing yet");
        assertFalse(time.isLate("payments", 1_000), "so its backlog is not late");
        time.observe(partition0, "payments", 2_000, 0);
        assertEquals(1_999, time.watermark("payments"));
        EventSource unmapped = time.open("other", 0);
        time.observe(unmapped, "payments", 3_000, 0);
        assertEquals(1_999, time.watermark("payments"), "a source holds a stream from its first event on, as before");
    }

    @Test
    void aStreamWaitsForItsSlowestActiveSource() {
        EventSource fast = time.open("fast", 0);
        EventSource slow = time.open("slow", 0);
        time.observe(slow, "payments", 2_000, 0);
        time.observe(fast, "payments", 9_000, 0);
        assertEquals(1_999, time.watermark("payments"));
        assertFalse(time.isLate("payments", 3_000), "the slow source's next events are on time");
        time.observe(slow, "payments", 4_000, 0);
        assertEquals(3_999, time.watermark("payments"));
    }

    @Test
    void anIdleSourceStopsHoldingTheStreamBackUntilItSpeaksAgain() {
        EventSource busy = time.open("busy", 0);
        EventSource quiet = time.open("quiet", 0);
        time.observe(quiet, "payments", 1_000, 0);
        time.heard(busy, 500);
        time.observe(busy, "payments", 8_000, 500);
        assertEquals(999, time.watermark("payments"));
        time.heard(busy, 1_200);
        time.expireIdle(1_200);   // quiet: silent since 0, more than IDLE
        assertEquals(7_999, time.watermark("payments"));
        time.heard(quiet, 1_300);
        time.observe(quiet, "payments", 9_000, 1_300);
        assertEquals(7_999, time.watermark("payments"), "active again, it holds time back, which never goes back");
        time.observe(busy, "payments", 9_500, 1_300);
        assertEquals(8_999, time.watermark("payments"));
    }

    @Test
    void aSourceThatJoinsLateCannotMoveTimeBack() {
        EventSource first = time.open("first", 0);
        time.observe(first, "payments", 9_000, 0);
        EventSource latecomer = time.open("latecomer", 0);
        assertTrue(time.isLate("payments", 2_000), "as with a Flink source split added after time moved on");
        time.observe(latecomer, "payments", 9_500, 0);
        time.observe(first, "payments", 12_000, 0);
        assertEquals(9_499, time.watermark("payments"), "once it has spoken it holds the stream back");
    }

    @Test
    void whenEverySourceIsIdleNoneHoldsTheStreamBack() {
        EventSource behind = time.open("behind", 0);
        EventSource ahead = time.open("ahead", 0);
        time.observe(behind, "payments", 1_000, 0);
        time.observe(ahead, "payments", 6_000, 0);
        assertEquals(999, time.watermark("payments"));
        time.expireIdle(IDLE);
        assertEquals(5_999, time.watermark("payments"), "the events already received are released");
        assertTrue(time.idle("payments"));
    }

    @Test
    void aClosedSourceReleasesItsStreamsAtOnce() {
        EventSource first = time.open("first", 0);
        EventSource second = time.open("second", 0);
        time.observe(first, "payments", 1_000, 0);
        time.observe(second, "payments", 6_000, 0);
        time.close(first, 10);
        assertEquals(5_999, time.watermark("payments"));
    }

    @Test
    void anIdleStreamFollowsTheFurthestActiveStream() {
        EventSource payments = time.open("payments-feed", 0);
        time.observe(payments, "payments", 3_000, 0);
        assertEquals(Long.MIN_VALUE, time.watermark("logins"), "no logins yet, and not idle before the timeout");
        assertFalse(time.idle("logins"));
        time.heard(payments, 2_000);
        time.observe(payments, "payments", 7_000, 2_000);
        time.expireIdle(2_000);
        assertTrue(time.idle("logins"));
        assertEquals(6_999, time.watermark("logins"), "a rule reading logins and payments sees time pass");
        assertTrue(time.isLate("logins", 6_999));
    }

    @Test
    void explicitWatermarksRaiseASourceForOneStreamOrForAll() {
        EventSource source = time.open("a", 0);
        time.observe(source, "payments", 1_000, 0);
        time.explicit(source, "payments", 4_000, 0);
        assertEquals(4_000, time.watermark("payments"));
        time.explicit(source, null, 9_000, 0);
        assertEquals(9_000, time.watermark("payments"));
        assertEquals(9_000, time.watermark("logins"));
    }

    @Test
    void advancesAreHandedOutOnceEach() {
        EventSource source = time.open("a", 0);
        time.observe(source, "payments", 1_000, 0);
        time.observe(source, "payments", 2_000, 0);
        Map<String, Long> advanced = new LinkedHashMap<>();
        time.drainAdvances(advanced::put);
        assertEquals(Map.of("payments", 1_999L), advanced);
        advanced.clear();
        time.drainAdvances(advanced::put);
        assertEquals(Map.of(), advanced);
    }

    @Test
    void aStreamNoRuleReadsAnyMoreIsSetAsideAndGoesOnWhenReadAgain() {
        EventSource source = time.open("a", 0);
        time.observe(source, "payments", 5_000, 0);
        time.drainAdvances((stream, watermark) -> { });
        time.track(Map.of("logins", 100L), 0);   // the rule reading payments was deleted
        assertFalse(time.isLate("payments", 1_000), "its events are unrouted now, not late");
        time.observe(source, "payments", 9_000, 0);
        Map<String, Long> advanced = new LinkedHashMap<>();
        time.drainAdvances(advanced::put);
        assertEquals(Map.of(), advanced, "no time kept for it meanwhile");
        time.track(Map.of("logins", 100L, "payments", 0L), 0);
        assertEquals(4_999, time.watermark("payments"), "read again: its time goes on from where it was");
        assertTrue(time.isLate("payments", 4_999));
    }

    @Test
    void streamsNoRuleReadsAreNeitherTrackedNorLate() {
        EventSource source = time.open("a", 0);
        time.observe(source, "audit", 5_000, 0);
        assertEquals(Long.MIN_VALUE, time.watermark("audit"));
        assertFalse(time.isLate("audit", Long.MIN_VALUE));
    }

    @Test
    void atBothEndsOfTheAcceptedRangeTheWatermarkIsMaxSeenMinusDelayMinusOne() {
        EventSource source = time.open("a", 0);
        time.observe(source, "payments", EventTime.MIN_MS, 0);
        time.observe(source, "logins", EventTime.MIN_MS, 0);
        assertEquals(EventTime.MIN_MS - 1, time.watermark("payments"));
        assertEquals(EventTime.MIN_MS - 101, time.watermark("logins"));
        time.observe(source, "payments", EventTime.MAX_MS, 0);
        assertEquals(EventTime.MAX_MS - 1, time.watermark("payments"));
        assertFalse(time.isLate("payments", EventTime.MAX_MS));
    }

    @Test
    void aDelayReachingBelowTheRangeOfLongLeavesNoWatermarkInsteadOfWrappingToTheEndOfTime() {
        time.track(Map.of("payments", Long.MAX_VALUE), 0);
        EventSource source = time.open("a", 0);
        time.observe(source, "payments", -1_000, 0);   // -1000 - MAX - 1 used to wrap to about +MAX
        assertEquals(Long.MIN_VALUE, time.watermark("payments"));
        assertFalse(time.isLate("payments", EventTime.MIN_MS), "no event is late before there is a watermark");
        time.observe(source, "payments", EventTime.MAX_MS, 0);
        assertEquals(EventTime.MAX_MS - Long.MAX_VALUE - 1, time.watermark("payments"), "no wrap: far in the past");
        time.explicit(source, "payments", EventTime.MAX_MS, 0);
        assertEquals(EventTime.MAX_MS, time.watermark("payments"), "explicit watermarks still move it");
    }
}

package dev.vigil.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rollback puts event time back exactly where the mark found it, for a batch the ingest log did not take. */
class WatermarkRollbackTest {
    private final WatermarkTracker time = new WatermarkTracker(1_000);
    private final List<String> advances = new ArrayList<>();

    @Test
    void whatAFailedBatchDidToEventTimeIsUndoneAndItsAdvancesAreHandedOutOnlyWhenTheyHappenAgain() {
        time.track(Map.of("payments", 0L, "logins", 0L), 0);
        EventSource a = time.open("a", 0);
        EventSource b = time.open("b", 0);
        time.observe(a, "payments", 1_000, 0);
        time.drainAdvances((stream, watermark) -> { });
        assertEquals(999, time.watermark("payments"));

        time.mark(b);
        time.heard(b, 10);
        time.observe(b, "payments", 1_500, 10);     // b's first event on payments: a new contribution
        time.explicit(b, "logins", 7_000, 10);
        time.drainAdvances((stream, watermark) -> advances.add(stream + " " + watermark));
        assertEquals(List.of("logins 7000"), advances);
        time.rollback();

        assertEquals(999, time.watermark("payments"));
        assertEquals(Long.MIN_VALUE, time.watermark("logins"));
        advances.clear();
        time.observe(a, "payments", 3_000, 20);
        time.drainAdvances((stream, watermark) -> advances.add(stream + " " + watermark));
        assertEquals(List.of("payments 2999"), advances, "b's undone contribution does not hold payments at 1,499");

        advances.clear();
        time.explicit(b, "logins", 7_000, 30);
        time.drainAdvances((stream, watermark) -> advances.add(stream + " " + watermark));
        assertEquals(List.of("logins 7000"), advances, "handed out again once it really happens");
    }
}

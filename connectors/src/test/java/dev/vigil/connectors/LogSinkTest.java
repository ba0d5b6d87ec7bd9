package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log sink: one parseable line per alert, written by its own thread so a stuck stream blocks nobody. */
class LogSinkTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00.250Z").toEpochMilli());

    @Test
    void writesTimeRuleSeverityKeyAndIdOnOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Sink sink = Sinks.open(SinkSpec.Log.defaults(), null, clock, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        sink.offer("id1", "card-testing", "{\"id\":\"id1\",\"rule\":\"card-testing\",\"severity\":\"high\","
                + "\"key\":\"card-42\",\"fields\":{}}");
        sink.offer("id2", "global", "{\"id\":\"id2\",\"rule\":\"global\",\"severity\":null,\"key\":null}");
        sink.offer("id3", "pair", "{\"id\":\"id3\",\"rule\":\"pair\",\"severity\":\"low\",\"key\":[\"a\",7]}");
        sink.close();
        assertEquals("""
                2026-03-01T10:00:00.250Z alert rule=card-testing severity=high key="card-42" id=id1
                2026-03-01T10:00:00.250Z alert rule=global severity=- key=- id=id2
                2026-03-01T10:00:00.250Z alert rule=pair severity=low key=["a",7] id=id3
                """, bytes.toString(StandardCharsets.UTF_8));
        assertEquals(new SinkStats(3, 0, 0, 0, 0, null), sink.stats());
    }

    @Test
    void aStuckStreamNeverBlocksTheCallerWhoseAlertsAreDroppedOnceTheQueueIsFull() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                writing.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Sink sink = Sinks.open(new SinkSpec.Log(2), null, clock, new PrintStream(stuck, true, StandardCharsets.UTF_8));
        assertTrue(sink.offer("a1", "r", "{}"));
        assertTrue(writing.await(20, TimeUnit.SECONDS));   // the writer thread holds a1 and waits on the stream
        assertTrue(sink.offer("a2", "r", "{}"));
        assertTrue(sink.offer("a3", "r", "{}"));
        assertFalse(sink.offer("a4", "r", "{}"));
        assertEquals(new SinkStats(0, 0, 0, 1, 3, null), sink.stats());
        release.countDown();
        sink.close();
        assertEquals(new SinkStats(3, 0, 0, 1, 0, null), sink.stats());
    }

    @Test
    void anAlertThatIsNotJsonIsCountedAsFailedAndDropped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Sink sink = Sinks.open(SinkSpec.Log.defaults(), null, clock, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        sink.offer("bad", "r", "{not json");
        sink.offer("good", "r", "{\"severity\":\"low\",\"key\":1}");
        sink.close();
        SinkStats stats = sink.stats();
        assertEquals(1, stats.delivered());
        assertEquals(1, stats.failed());
        assertEquals(1, stats.dropped());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("id=good"));
    }
}

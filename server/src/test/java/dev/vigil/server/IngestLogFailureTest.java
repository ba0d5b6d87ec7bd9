package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.IngestLogException;
import dev.vigil.server.log.MemoryIngestLog;
import dev.vigil.server.rules.TestRules;
import dev.vigil.server.sequencer.EventSource;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.shard.Shard;
import dev.vigil.wire.InputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch the ingest log cannot write is refused whole and leaves no trace: the shards get none of it, sequence
 * numbers, event time and counters are as if it never came, so sending it again later gives exactly what one
 * successful send would have.
 */
class IngestLogFailureTest {
    private static final String RULES = """
            RULE pair FROM payments PARTITION BY card PATTERN a b DEFINE a AS amount < 5, b AS amount >= 5
            """;
    private final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    private final FailingLog log = new FailingLog();
    private Ingest ingest;
    private java.util.function.LongSupplier clock = System::nanoTime;

    @AfterEach
    void stop() throws InterruptedException {
        ingest.stop();
    }

    @Test
    void aFailedWriteIsRefusedWithTheLogsReasonAndNothingReachesTheShards() throws Exception {
        ingest = ingest();
        EventSource source = open("test");
        log.failNext("disk on fire");

        Ingest.Result refused = ingest.accept(source, List.of(event("c1", 1, 1_000), event("c1", 9, 1_001),
                new InputLine.WatermarkLine(null, 5_000)), now());

        assertFalse(refused.busy());
        assertEquals("disk on fire", refused.refused());
        assertEquals(0, ingest.shards().get(0).queueDepth(), "nothing queued for the shards");
        assertEquals(Map.of(), ingest.counters().eventsByStream(), "no event counted");
        assertEquals(Long.MIN_VALUE, ingest.watermark("payments"), "event time did not move");
        assertTrue(log.batches.isEmpty());
    }

    @Test
    void aBatchSentAgainAfterAFailedWriteIsLoggedExactlyAsIfTheFirstSendHadNeverHappened() throws Exception {
        ingest = ingest();
        EventSource source = open("test");
        assertNull(ingest.accept(source, List.of(event("c1", 1, 1_000)), now()).refused());
        List<InputLine> second = List.of(event("c1", 9, 2_000), event("c2", 1, 500),
                new InputLine.WatermarkLine(null, 3_000));

        log.failNext("no space left on device");
        assertEquals("no space left on device", ingest.accept(source, second, now()).refused());
        assertEquals(999, ingest.watermark("payments"), "the failed batch's watermark was taken back");
        Ingest.Result resent = ingest.accept(source, second, now());

        assertNull(resent.refused());
        assertEquals(1, resent.late(), "c2 at 500 is late against the first batch's time, as on a first send");
        assertEquals(List.of("payments seq 2 ts 2000", "watermark payments 3000"), log.batches.get(1),
                "numbered on from the first batch, and the watermark advance is handed out again");
        assertEquals(Map.of("payments", 3L), ingest.counters().eventsByStream());
        assertEquals(3_000, ingest.watermark("payments"));
        ingest.start();
        awaitAlerts(1);
        assertEquals(List.of(1L, 2L), List.of(alerts.get(0).events().get("a").get(0).sequence(),
                alerts.get(0).events().get("b").get(0).sequence()), "the pair matched once, on the resent event");
    }

    @Test
    void aFailedWriteOfIdleSourcesWatermarksIsTriedAgainOnTheNextCheck() throws Exception {
        long[] now = {0};
        ingest = ingest(() -> now[0]);
        EventSource quiet = open("quiet");
        EventSource busy = open("busy");
        assertNull(ingest.accept(quiet, List.of(event("c1", 1, 1_000)), now()).refused());
        assertNull(ingest.accept(busy, List.of(event("c2", 1, 5_000)), now()).refused());
        assertEquals(999, ingest.watermark("payments"), "held back by the quiet source");

        now[0] = TimeUnit.SECONDS.toNanos(61);
        log.failNext("write failed");
        ingest.expireIdleSources(now[0]);
        assertEquals(999, ingest.watermark("payments"), "the idle advance was not logged, so not taken");
        ingest.expireIdleSources(now[0]);

        assertEquals(4_999, ingest.watermark("payments"));
        assertEquals(List.of("watermark payments 4999"), log.batches.get(2));
    }

    private Ingest ingest() {
        return ingest(System::nanoTime);
    }

    private long now() {
        return clock.getAsLong();
    }

    private EventSource open(String name) {
        EventSource source = EventSource.named(name);
        ingest.openSource(source, now());
        return source;
    }

    private Ingest ingest(java.util.function.LongSupplier clock) {
        this.clock = clock;
        List<CompiledRule> rules = RuleCompiler.compile("rules.cep", RULES).rules();
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            shards.add(new Shard(i, 64, rules, EngineConfig.defaults().withWatermarksFromInputOnly(true)
                    .withSlice(new KeySlice(i, 2)), alerts::add));
        }
        return new Ingest(shards, log, TestRules.registry(rules), 0, TimeUnit.SECONDS.toNanos(60), clock);
    }

    private static InputLine event(String card, long amount, long ts) {
        return new InputLine.EventLine(new Event("payments", ts, 0, Map.of("card", card, "amount", amount)));
    }

    private void awaitAlerts(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (alerts.size() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(count, alerts.size());
    }

    /**
     * An ingest log that keeps each batch as text and fails the next append when told to; numbering is the
     * in-memory log's.
     */
    private static final class FailingLog implements IngestLog {
        @Override
        public Reader readAfter(long position) {
            return () -> null;
        }

        final List<List<String>> batches = new ArrayList<>();
        private final MemoryIngestLog numbering = new MemoryIngestLog();
        private String failure;

        void failNext(String why) {
            failure = why;
        }

        @Override
        public long append(String source, dev.vigil.wire.BatchId name, List<InputLine> batch) {
            if (failure != null) {
                String why = failure;
                failure = null;
                throw new IngestLogException(why);
            }
            List<String> lines = new ArrayList<>();
            for (InputLine line : batch) {
                if (line instanceof InputLine.EventLine e) {
                    lines.add(e.event().stream() + " seq " + e.event().sequence() + " ts " + e.event().timestamp());
                } else if (line instanceof InputLine.WatermarkLine w) {
                    lines.add("watermark " + w.stream() + " " + w.timestamp());
                }
            }
            batches.add(lines);
            return numbering.append(source, name, batch);
        }

        @Override
        public long appendDeploy(String origin, String text, Map<String, Integer> versions, long deployedAtMs,
                List<InputLine.WatermarkLine> watermarks) {
            return numbering.appendDeploy(origin, text, versions, deployedAtMs, watermarks);
        }

        @Override
        public long appendUndeploy(String name) {
            return numbering.appendUndeploy(name);
        }

        @Override
        public long lastPosition() {
            return numbering.lastPosition();
        }
    }
}

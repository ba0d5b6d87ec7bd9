package dev.vigil.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.log.MemoryIngestLog;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.TestRules;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.testing.LogCapture;
import dev.vigil.wire.InputLine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sequencer stepped by hand: {@link Sequencer#doWork} on the test's thread with the test's clock, and shards that
 * run only when the test starts them (until then their queues fill and stay full).
 */
class SequencerTest {
    private static final String RULES = "RULE by_card FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 0";
    private static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    private final LogCapture err = new LogCapture();
    private final long[] clock = {0};
    private Shard shard;
    private SequencerProxy proxy;
    private Sequencer sequencer;

    @AfterEach
    void stop() throws InterruptedException {
        err.close();
        if (shard != null) {
            shard.stop();
        }
    }

    @Test
    void batchesAreTakenInOrderAndOneThatFindsNoRoomHoldsBackEverythingBehindIt() throws Exception {
        start(1);   // the shard's queue takes one command
        EventSource source = open("ws-1");
        List<Ingest.Result> answers = Collections.synchronizedList(new ArrayList<>());
        assertNull(proxy.offer(source, List.of(event("c1", 1_000), new InputLine.WatermarkLine(null, 1_500)),
                answers::add));
        assertNull(proxy.offer(source, List.of(event("c2", 2_000), new InputLine.WatermarkLine(null, 2_500)),
                answers::add));
        List<String> ruleChange = new ArrayList<>();
        proxy.deploy(TestRules.deploy(RuleSet.empty(), rules(), "http", RULES),
                TestRules.deployed(rules(), "http", RULES)).onSuccess(ruleChange::add);

        assertEquals(1, sequencer.doWork(), "the first batch fills the shard's queue; the second waits");
        assertEquals(1, answers.size());
        assertEquals(0, sequencer.doWork(), "still no room");
        assertTrue(sequencer.waitingForRoom());
        assertTrue(ruleChange.isEmpty(), "the rule change behind the waiting batch waits too");

        shard.start();   // drains the queue
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answers.size() < 2 && System.nanoTime() < deadline) {
            sequencer.doWork();
        }
        assertEquals(2, answers.size());
        assertTrue(answers.get(1).position() > answers.get(0).position(), "logged in the order sent");
        assertEquals(1, answers.get(0).events());
        assertNull(answers.get(1).refused());
        while (ruleChange.isEmpty() && System.nanoTime() < deadline) {
            sequencer.doWork();
        }
        assertEquals(1, ruleChange.size(), "the rule change ran after the batch");
        while (alerts.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of(1L, 2L), List.of(alerts.get(0).events().get("a").get(0).sequence(),
                alerts.get(1).events().get("a").get(0).sequence()), "events numbered in the order sent");
    }

    @Test
    void idleSourcesStopHoldingTimeBackByTheSequencersClockOnlyOnceLive() {
        start(64);
        EventSource quiet = open("quiet");
        EventSource busy = open("busy");
        proxy.offer(quiet, List.of(event("c1", 1_000)), answer -> { });
        proxy.offer(busy, List.of(event("c2", 5_000)), answer -> { });
        sequencer.doWork();
        assertEquals(999, watermark(), "held back by the quiet source");

        clock[0] += 2 * IDLE_TIMEOUT_NANOS;
        sequencer.doWork();
        assertEquals(999, watermark(), "not live yet (recovery): idleness is not decided");

        proxy.goLive();
        sequencer.doWork();
        assertEquals(999, watermark(), "the first idle check comes one interval after going live");
        clock[0] += IDLE_CHECK_NANOS;
        sequencer.doWork();
        assertEquals(4_999, watermark(), "the quiet source no longer holds the stream back");
    }

    @Test
    void aCommandThatFailsIsAnsweredWithTheFailureAndTheSequencerGoesOn() {
        start(64);
        CompletableFuture<Void> failed = new CompletableFuture<>();
        LogRecord.Deploy broken = new LogRecord.Deploy(1, "http", RULES, Map.of("by_card", 1), 0, null);
        proxy.replay(broken, TestRules.deploy(RuleSet.empty(), rules(), "http", RULES), failed);   // no watermarks: throws
        EventSource source = open("ws-1");
        Ingest.Result[] answer = new Ingest.Result[1];
        proxy.offer(source, List.of(event("c1", 1_000)), taken -> answer[0] = taken);

        sequencer.doWork();
        assertTrue(failed.isCompletedExceptionally(), "the replay's failure reached its sender");
        assertTrue(err.toString().contains("internal error in the sequencer"), err.toString());
        assertNotNull(answer[0], "the batch behind it was taken");
        assertNull(answer[0].refused());
    }

    @Test
    void aBatchOverTheQueuesBoundIsBusyAtOnceAndNothingIsQueued() {
        start(64);
        EventSource source = open("ws-1");
        List<InputLine> big = new ArrayList<>();
        for (int i = 0; i < SequencerProxy.MAX_QUEUED_LINES; i++) {
            big.add(new InputLine.WatermarkLine(null, i));
        }
        assertNull(proxy.offer(source, big, answer -> { }), "an empty queue takes any batch");
        assertSame(Ingest.Result.BUSY, proxy.offer(source, List.of(event("c1", 1_000)), answer -> { }),
                "over the bound of lines queued");
        for (int i = 0; i < 2 && sequencer.doWork() > 0; i++) {
            // the big batch goes; the small one was never queued
        }
        assertFalse(sequencer.waitingForRoom());
        assertNull(proxy.offer(source, List.of(event("c1", 1_000)), answer -> { }), "room again");
    }

    @Test
    void theResultCountsEventsOfStreamsNoRuleReadsAndNamesTheFirstTenOfThoseStreams() {
        start(64);
        EventSource source = open("ws-1");
        List<InputLine> batch = new ArrayList<>(List.of(event("c1", 1_000),
                new InputLine.EventLine(new Event("payment", 1_001, 0, Map.of("card", "c1"))),
                new InputLine.WatermarkLine(null, 1_000),
                new InputLine.EventLine(new Event("payment", 1_002, 0, Map.of("card", "c1"))),
                new InputLine.EventLine(new Event("clicks", 1_003, 0, Map.of()))));
        for (int i = 0; i < 12; i++) {
            batch.add(new InputLine.EventLine(new Event("s" + i, 1_004, 0, Map.of())));
        }
        Ingest.Result[] answer = new Ingest.Result[1];
        proxy.offer(source, batch, taken -> answer[0] = taken);
        sequencer.doWork();
        assertEquals(16, answer[0].events());
        assertEquals(15, answer[0].unrouted(), "every event but the one of payments");
        assertEquals(List.of("payment", "clicks", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"),
                answer[0].unroutedStreams(), "each name once, in the order met, at most ten");

        proxy.offer(source, List.of(event("c1", 2_000)), taken -> answer[0] = taken);
        sequencer.doWork();
        assertEquals(0, answer[0].unrouted());
        assertEquals(List.of(), answer[0].unroutedStreams());
    }

    private void start(int shardQueueCapacity) {
        List<CompiledRule> rules = rules();
        shard = new Shard(0, shardQueueCapacity, rules, EngineConfig.defaults().withWatermarksFromInputOnly(true)
                .withSlice(KeySlice.ALL), alerts::add);
        Ingest ingest = new Ingest(List.of(shard), new MemoryIngestLog(), TestRules.registry(rules), 0, IDLE_TIMEOUT_NANOS,
                () -> clock[0]);
        proxy = new SequencerProxy(ingest, () -> clock[0], IDLE_CHECK_NANOS);
        sequencer = proxy.sequencer();
    }

    private EventSource open(String name) {
        EventSource source = proxy.openSource(name);
        sequencer.doWork();
        return source;
    }

    private long watermark() {
        CompletableFuture<Long> watermark = proxy.watermarkLater("payments");
        sequencer.doWork();
        return watermark.join();
    }

    private static List<CompiledRule> rules() {
        return RuleCompiler.compile("rules.cep", RULES).rules();
    }

    private static InputLine event(String card, long ts) {
        return new InputLine.EventLine(new Event("payments", ts, 0, Map.of("card", card, "amount", 10L)));
    }
}

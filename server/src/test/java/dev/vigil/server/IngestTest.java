package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.server.log.MemoryIngestLog;
import dev.vigil.server.rules.RuleSet;
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

/** The door into the shards: routing by key, one numbering, and all-or-nothing batches when a queue is full. */
class IngestTest {
    private static final String RULES = """
            RULE by_card FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 0;
            RULE by_merchant FROM payments PARTITION BY merchant PATTERN a DEFINE a AS amount > 0
            """;
    private final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    private Ingest ingest;

    @AfterEach
    void stop() throws InterruptedException {
        ingest.stop();
    }

    @Test
    void eachRuleSeesEveryEventOnceInTheShardOwningItsKey() throws Exception {
        ingest = ingest(3, 64);
        ingest.start();
        EventSource source = open("test");
        List<InputLine> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(event("card-" + i % 40, "shop-" + i % 7, 1_000 + i));
        }
        batch.add(new InputLine.WatermarkLine(null, Long.MAX_VALUE));
        Ingest.Result result = ingest.accept(source, batch, now());
        assertFalse(result.busy());
        assertEquals(300, result.events());
        awaitAlerts(600);
        awaitSnapshots(300);

        for (Shard shard : ingest.shards()) {
            for (RuleCounters rule : shard.counters().rules()) {
                String field = rule.rule().equals("by_card") ? "card" : "merchant";
                long owned = batch.stream().filter(line -> line instanceof InputLine.EventLine e
                        && KeySlice.sliceOf(List.of(List.of(field)), e.event(), 3) == shard.id()).count();
                assertEquals(owned, rule.eventsIn(), rule.rule() + " in shard " + shard.id());
            }
        }
        List<Long> sequences = new ArrayList<>();
        for (Alert alert : alerts) {
            if (alert.rule().equals("by_card")) {
                sequences.add(alert.events().get("a").get(0).sequence());
            }
        }
        Collections.sort(sequences);
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(i + 1, sequences.get(i), "events numbered 1..300 in the order they were accepted");
        }
    }

    @Test
    void aBatchMeetingAFullQueueIsRefusedWholeAndLeavesNoTrace() throws Exception {
        ingest = ingest(2, 1);   // not started: nothing drains the queues
        EventSource source = open("test");
        assertFalse(ingest.accept(source, List.of(event("c1", "s1", 1_000)), now()).busy());
        Ingest.Result refused = ingest.accept(source, List.of(event("c2", "s2", 2_000), event("c3", "s3", 3_000)), now());
        assertTrue(refused.busy());
        assertEquals(Map.of("payments", 1L), ingest.counters().eventsByStream(), "the refused events left no count");
        assertEquals(999, ingest.watermark("payments"), "nor moved time");
        List<CompiledRule> more = RuleCompiler.compile("more.cep",
                "RULE more FROM payments PATTERN a DEFINE a AS amount > 5").rules();
        assertEquals(Ingest.BUSY, ingest.deploy(TestRules.deploy(RuleSet.empty(), more, "http", "RULE more ..."),
                TestRules.deployed(more, "http", "RULE more ..."), now()),
                "a rule change waits too");

        ingest.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Ingest.Result accepted;
        do {
            accepted = ingest.accept(source, List.of(event("c2", "s2", 2_000), event("c3", "s3", 3_000)), now());
        } while (accepted.busy() && System.nanoTime() < deadline);
        assertFalse(accepted.busy());
        assertEquals(Map.of("payments", 3L), ingest.counters().eventsByStream());
    }

    private static long now() {
        return System.nanoTime();
    }

    private EventSource open(String name) {
        EventSource source = EventSource.named(name);
        ingest.openSource(source, now());
        return source;
    }

    private Ingest ingest(int shards, int queueCapacity) {
        List<CompiledRule> rules = RuleCompiler.compile("rules.cep", RULES).rules();
        List<Shard> list = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            list.add(new Shard(i, queueCapacity, rules, EngineConfig.defaults().withWatermarksFromInputOnly(true)
                    .withSlice(new KeySlice(i, shards)), alerts::add));
        }
        return new Ingest(list, new MemoryIngestLog(), TestRules.registry(rules), 0, TimeUnit.SECONDS.toNanos(60), System::nanoTime);
    }

    private static InputLine event(String card, String merchant, long ts) {
        return new InputLine.EventLine(new Event("payments", ts, 0, Map.of("card", card, "merchant", merchant,
                "amount", 10L, "ts", ts)));
    }

    /** Counters are snapshots taken when a shard falls idle: waits until they show every event of each rule. */
    private void awaitSnapshots(long eventsPerRule) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ingest.counters().rules().stream().anyMatch(rule -> rule.eventsIn() != eventsPerRule)
                || ingest.counters().rules().size() != 2) {
            assertTrue(System.nanoTime() < deadline, "snapshots: " + ingest.counters());
            Thread.onSpinWait();
        }
    }

    private void awaitAlerts(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (alerts.size() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(count, alerts.size());
    }
}

package dev.vigil.server.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeyInspection;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.wire.InputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;

/** A shard stepped by hand: {@link Shard#doWork} on the test's thread, with the test's clock, no shard thread. */
class ShardTest {
    private final List<Alert> alerts = new ArrayList<>();
    private final long[] clock = {0};
    private long sequence;

    @Test
    void aCycleHandlesAtMostItsShareOfCommandsAndTheRestWaitForTheNext() {
        Shard shard = shard(100);
        for (int i = 0; i < Shard.MAX_COMMANDS_PER_CYCLE + 6; i++) {
            shard.submit(batch("c" + i, 1_000 + i));
        }
        assertEquals(Shard.MAX_COMMANDS_PER_CYCLE, shard.doWork());
        assertEquals(6, shard.doWork());
        assertEquals(0, shard.doWork());
        shard.submit(new ShardCommand.Stop());
        assertThrows(AgentTerminationException.class, shard::doWork, "stopped");
    }

    @Test
    void countersGoOutWhenTheShardFallsIdleOrByItsClockWhileBusy() {
        Shard shard = shard(16);
        shard.submit(batch("c1", 1_000));
        assertEquals(1, shard.doWork());
        assertEquals(0, eventsIn(shard.counters()), "busy, and the clock has not moved: not published yet");
        assertEquals(0, shard.doWork());
        assertEquals(1, eventsIn(shard.counters()), "published once idle");

        shard.submit(batch("c2", 2_000));
        shard.submit(batch("c3", 3_000));
        assertEquals(2, shard.doWork());
        assertEquals(1, eventsIn(shard.counters()));
        clock[0] += Shard.SNAPSHOT_EVERY_NANOS;
        shard.submit(batch("c4", 4_000));
        assertEquals(1, shard.doWork());
        assertEquals(4, eventsIn(shard.counters()), "published while busy, once the interval passed");
        assertEquals(4, alerts.size(), "every event matched, on the watermark of its batch");
    }

    @Test
    void aQuestionIsAnsweredOnceTheCommandsSubmittedBeforeItAreHandled() throws Exception {
        Shard shard = shard(100, PAIR);
        for (int i = 0; i < Shard.MAX_COMMANDS_PER_CYCLE + 6; i++) {
            shard.submit(batch("c" + i, 1_000 + i));
        }
        CompletableFuture<KeyInspection> last = inspect(shard, "c" + (Shard.MAX_COMMANDS_PER_CYCLE + 5));
        CompletableFuture<KeyInspection> unknownRule = new CompletableFuture<>();
        assertTrue(shard.ask(new ShardQuery.Inspect("absent", "c1", 10, 10, 10, unknownRule)));
        assertEquals(Shard.MAX_COMMANDS_PER_CYCLE, shard.doWork());
        assertFalse(last.isDone(), "six batches submitted before the question are still queued");
        assertFalse(unknownRule.isDone());
        assertEquals(6 + 2, shard.doWork(), "the last six batches, then both questions");
        assertEquals(1, last.get().partialMatchCount(), "the question sees the batch posted before it");
        assertNull(unknownRule.get(), "no rule of that name in this shard");

        CompletableFuture<KeyInspection> now = inspect(shard, "c1");
        assertEquals(1, shard.doWork(), "nothing queued before it: answered in the next cycle");
        assertEquals(1, now.get().partialMatchCount());
    }

    @Test
    void questionsBeyondTheBoundAreRefusedAndAStoppingShardFailsThoseItHolds() {
        Shard shard = shard(100, PAIR);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        shard.registerMeters(meters);
        shard.submit(batch("c1", 1_000));
        List<CompletableFuture<KeyInspection>> asked = new ArrayList<>();
        for (int i = 0; i < Shard.MAX_QUESTIONS; i++) {
            asked.add(inspect(shard, "c1"));
        }
        assertFalse(shard.ask(new ShardQuery.Inspect("pair", "c1", 10, 10, 10, new CompletableFuture<>())),
                "the queue of questions is full");
        assertEquals(1.0, meters.get("vigil.shard.questions.refused").tag("shard", "0").functionCounter().count());
        shard.submit(new ShardCommand.Stop());
        assertThrows(AgentTerminationException.class, shard::doWork);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> asked.get(0).get());
        assertTrue(failed.getCause().getMessage().contains("stopped"), failed.getCause().getMessage());
        CompletableFuture<KeyInspection> late = new CompletableFuture<>();
        shard.ask(new ShardQuery.Inspect("pair", "c1", 10, 10, 10, late));
        assertTrue(late.isCompletedExceptionally(), "a stopped shard answers no more");
    }

    @Test
    void questionsWaitingForEarlierCommandsCountAgainstTheBoundUntilAnswered() {
        Shard shard = shard(200, PAIR);
        for (int i = 0; i < Shard.MAX_COMMANDS_PER_CYCLE + 1; i++) {
            shard.submit(batch("c" + i, 1_000 + i));
        }
        List<CompletableFuture<KeyInspection>> asked = new ArrayList<>();
        for (int i = 0; i < Shard.MAX_QUESTIONS; i++) {
            asked.add(inspect(shard, "c1"));
        }
        shard.doWork();
        assertFalse(asked.get(0).isDone(), "one batch before the questions is still queued");
        assertFalse(shard.ask(new ShardQuery.Inspect("pair", "c1", 10, 10, 10, new CompletableFuture<>())),
                "taken out of the queue, the questions still wait: no room for another");
        shard.doWork();
        assertTrue(asked.stream().allMatch(CompletableFuture::isDone));
        assertTrue(shard.ask(new ShardQuery.Inspect("pair", "c1", 10, 10, 10, new CompletableFuture<>())),
                "answered, they make room");
    }

    @Test
    void censusesBeyondThoseCountedAtOnceWaitTheirTurn() throws Exception {
        Shard shard = shard(1_000, PAIR);
        for (int i = 0; i < 500; i++) {
            assertTrue(shard.submit(batch("c" + i, 1_000 + i)));
        }
        List<CompletableFuture<ShardQuery.Counted>> censuses = new ArrayList<>();
        for (int i = 0; i < Shard.MAX_CENSUSES + 3; i++) {
            CompletableFuture<ShardQuery.Counted> census = new CompletableFuture<>();
            assertTrue(shard.ask(new ShardQuery.Census("pair", census)));
            censuses.add(census);
        }
        while (!censuses.stream().allMatch(CompletableFuture::isDone)) {
            shard.doWork();
        }
        for (CompletableFuture<ShardQuery.Counted> census : censuses) {
            assertEquals(500, census.get().keys());
        }
    }

    @Test
    void aCensusCountsTheShardsKeysBetweenBatchesAndAnswersWhenComplete() throws Exception {
        Shard shard = shard(1_000, PAIR);
        for (int i = 0; i < 1_000; i++) {
            assertTrue(shard.submit(batch("c" + i, 1_000 + i)));
        }
        CompletableFuture<ShardQuery.Counted> census = new CompletableFuture<>();
        assertTrue(shard.ask(new ShardQuery.Census("pair", census)));
        while (!census.isDone()) {
            shard.doWork();
        }
        ShardQuery.Counted counted = census.get();
        assertEquals(1_000, counted.keys());
        assertEquals(1_000, java.util.Arrays.stream(counted.partialMatchesByState()).sum(), "one run per card");
        assertEquals(1, counted.version());
        assertEquals(0, shard.doWork(), "nothing left to do");
    }

    private static final String PAIR = "RULE pair FROM payments PARTITION BY card PATTERN a -> b "
            + "DEFINE a AS amount > 0, b AS amount > 100";

    private static CompletableFuture<KeyInspection> inspect(Shard shard, String card) {
        CompletableFuture<KeyInspection> answer = new CompletableFuture<>();
        assertTrue(shard.ask(new ShardQuery.Inspect("pair", card, 10, 10, 10, answer)));
        return answer;
    }

    private Shard shard(int queueCapacity) {
        return shard(queueCapacity, "RULE by_card FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 0");
    }

    private Shard shard(int queueCapacity, String rules) {
        return new Shard(0, queueCapacity, listener -> new Engine(RuleCompiler.compile("rules.cep", rules).rules(),
                Shard.engineConfig(KeySlice.ALL), listener), alerts::add,
                () -> clock[0], Shard.DEFAULT_STUCK_NANOS);
    }

    /** One event of {@code card} at {@code ts}, numbered in order, and a watermark just past it. */
    private ShardCommand batch(String card, long ts) {
        Event event = new Event("payments", ts, ++sequence, Map.of("card", card, "amount", 10L));
        return new ShardCommand.Ingest(List.of(new InputLine.EventLine(event),
                new InputLine.WatermarkLine("payments", ts)), clock[0], sequence);
    }

    private static long eventsIn(EngineCounters counters) {
        return counters.rules().get(0).eventsIn();
    }
}

package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.server.checkpoint.CheckpointStore;
import dev.vigil.server.checkpoint.Checkpointer;
import dev.vigil.server.log.MemoryIngestLog;
import dev.vigil.server.rules.TestRules;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.shard.ShardCommand;
import dev.vigil.server.testing.LogCapture;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 11: a shard that is busy for long stays visible. Its counters are published in the middle of a
 * long batch, a shard on one command past its threshold reports itself stuck (naming the latest rule and key over
 * the work bound), events over the work bound are logged at most once per interval, and a checkpoint that a busy
 * shard makes wait fails with a message saying which shard. The shard is held inside a batch by an alert sink that
 * waits for the test, and its clock is stepped by the test.
 */
class ShardWatchTest {
    private static final String RULES = """
            RULE hot FROM s PARTITION BY k
              PATTERN a ->> b+ ->> c
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C';
            RULE flag FROM s PARTITION BY k
              PATTERN x
              DEFINE x AS type = 'X'
            """;
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong();
    private final LogCapture log = new LogCapture();
    private final CountDownLatch alertReached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Shard shard;
    private long ts;
    private long position;

    @AfterEach
    void stop() throws InterruptedException {
        log.close();
        release.countDown();
        if (shard != null) {
            shard.stop();
        }
    }

    private Shard start() {
        List<CompiledRule> rules = RuleCompiler.compile("rules.cep", RULES).rules();
        assertEquals(2, rules.size(), "both rules compile");
        EngineConfig config = EngineConfig.defaults().withWatermarksFromInputOnly(true).withMaxWorkPerEvent(2_000);
        shard = new Shard(0, 16, listener -> new Engine(rules, config, listener), alert -> {
            alertReached.countDown();
            try {
                release.await();   // the shard stays inside its batch until the test lets it go
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, clock::get, STUCK_NANOS);
        shard.start();
        return shard;
    }

    /** Two hot keys, each tripping the work bound, then filler events, then the X whose alert holds the shard. */
    private List<InputLine> longBatch() {
        List<InputLine> lines = new ArrayList<>();
        for (String key : List.of("h1", "h2")) {
            add(lines, key, "A");
            for (int i = 0; i < 20; i++) {
                add(lines, key, "B");
            }
        }
        for (int i = 0; i < 258; i++) {
            add(lines, "f", "F");
        }
        add(lines, "f", "X");
        return lines;
    }

    /** An event and the watermark that releases it, so the shard matches the batch line by line. */
    private void add(List<InputLine> lines, String key, String type) {
        ts++;
        lines.add(new InputLine.EventLine(new Event("s", ts, ts, Map.of("k", key, "type", type, "ts", ts))));
        lines.add(new InputLine.WatermarkLine(null, ts));
    }

    private void submit(List<InputLine> lines) throws InterruptedException {
        while (!shard.submit(new ShardCommand.Ingest(lines, 0, ++position))) {
            Thread.sleep(1);
        }
    }

    private RuleCounters hot() {
        return shard.counters().rules().get(0);
    }

    @Test
    void aShardHeldInALongBatchPublishesItsCountersAndReportsItselfStuck() throws Exception {
        start();
        clock.set(TimeUnit.SECONDS.toNanos(1));   // counters are due from the batch's 256th line on
        List<InputLine> batch = longBatch();
        submit(batch);
        assertTrue(alertReached.await(30, TimeUnit.SECONDS), () -> "the X alerts; the shard said: " + log);

        RuleCounters published = hot();
        assertTrue(published.eventsIn() >= 128, "published in the middle of the batch: " + published);
        assertEquals(2, published.workBoundTrips(), "both hot keys went over the work bound before line 256");
        assertTrue(published.droppedPartialMatches() > 0, published.toString());
        assertNull(shard.stuckReason(), "on its batch for no time yet by its clock");

        clock.addAndGet(2 * STUCK_NANOS);
        assertEquals("shard 0 has been handling one event batch (" + batch.size() + " lines) for 2 s (stuck after"
                + " 1000 ms); the latest event over the work bound was of rule hot, key h2", shard.stuckReason());
        assertEquals(2.0, shard.commandSeconds());
        List<String> lines = log.messages(Shard.class.getName());
        assertEquals(1, lines.size(), "the second key's trip came within the log interval: " + log);
        assertTrue(lines.get(0).startsWith("shard 0: rule hot, key h1: an event needed more work than the"
                + " bound per event and key (maxWorkPerEvent); the key's "), lines.get(0));

        release.countDown();
        awaitPosition(position);
        assertNull(shard.stuckReason());
        assertEquals(0.0, shard.commandSeconds());

        clock.addAndGet(Shard.LOG_EVERY_NANOS);
        List<InputLine> third = new ArrayList<>();
        add(third, "h3", "A");
        for (int i = 0; i < 20; i++) {
            add(third, "h3", "B");
        }
        submit(third);
        awaitPosition(position);
        List<String> later = log.messages(Shard.class.getName());
        assertEquals(2, later.size(), log.toString());
        assertTrue(later.get(1).startsWith("shard 0: rule hot, key h3: ")
                && later.get(1).endsWith(" (1 more such event(s) since the last report)"), later.get(1));
    }

    @Test
    void aCheckpointThatABusyShardMakesWaitNamesTheShard(@TempDir Path data) throws Exception {
        start();
        List<InputLine> batch = longBatch();
        submit(batch);
        assertTrue(alertReached.await(30, TimeUnit.SECONDS), () -> "the X alerts; the shard said: " + log);
        clock.addAndGet(2 * STUCK_NANOS);
        Ingest ingest = new Ingest(List.of(shard), new MemoryIngestLog(),
                TestRules.registry(RuleCompiler.compile("rules.cep", RULES).rules()), 0, TimeUnit.SECONDS.toNanos(60), System::nanoTime);
        SequencerProxy sequencer = new SequencerProxy(ingest, System::nanoTime, TimeUnit.SECONDS.toNanos(1));
        sequencer.startSequencer();   // the shard runs already
        try (Checkpointer checkpointer = new Checkpointer(sequencer, CheckpointStore.open(data), 0,
                Clock.systemUTC(), position -> { }, 100)) {
            checkpointer.checkpointNow().get(60, TimeUnit.SECONDS);
            String expected = "shard 0 did not reach the barrier of checkpoint 1 within 100 ms (shard 0 has been"
                    + " handling one event batch (" + batch.size() + " lines) for 2 s (stuck after 1000 ms); the"
                    + " latest event over the work bound was of rule hot, key h2)";
            assertEquals(expected, checkpointer.stats().lastFailure());
            assertEquals(List.of("checkpoint failed (the previous one stays the latest): " + expected),
                    log.messages(Checkpointer.class.getName()));
        }
        sequencer.stopSequencer();
    }

    @Test
    void aFailureWithoutMessageIsDescribedByItsKind() {
        assertEquals("TimeoutException", Checkpointer.describe(new java.util.concurrent.TimeoutException()));
        assertEquals("disk full", Checkpointer.describe(new java.io.IOException("disk full")));
    }

    private void awaitPosition(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (shard.position() < expected) {
            assertTrue(System.nanoTime() < deadline, "the shard should reach position " + expected);
            Thread.sleep(1);
        }
    }
}

package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.shard.ShardCommand;
import dev.vigil.server.shard.ShardState;
import dev.vigil.wire.InputLine;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A shard writes its checkpoint state between event batches rather than stopping for all of it: a batch queued
 * behind the barrier is handled (its alerts published) before the state is complete, and the state is still the
 * one of the barrier.
 */
class ShardCheckpointTest {
    private static final String RULE = """
            RULE hold FROM s PARTITION BY k
              PATTERN a -> b WITHIN 1 HOUR
              DEFINE a AS type = 'A', b AS type = 'B'
            """;
    private static final int KEYS = 100_000;
    private static final int COMPLETED = 10;

    @Test
    void batchesBehindTheBarrierGoOnWhileTheStateIsWrittenAsItWasAtTheBarrier() throws Exception {
        List<CompiledRule> rules = RuleCompiler.compile("hold.cep", RULE).rules();
        EngineConfig config = EngineConfig.defaults().withWatermarksFromInputOnly(true);
        CompletableFuture<ShardState> state = new CompletableFuture<>();
        List<Boolean> stateDoneAtAlert = new CopyOnWriteArrayList<>();
        Shard shard = new Shard(0, 1024, rules, config, alert -> stateDoneAtAlert.add(state.isDone()));
        shard.start();
        try {
            long position = 0;
            for (int from = 0; from < KEYS; from += 1000) {
                List<InputLine> batch = new ArrayList<>();
                for (int key = from; key < from + 1000; key++) {
                    batch.add(event("k" + key, "A", key));
                }
                submit(shard, new ShardCommand.Ingest(batch, System.nanoTime(), ++position));
            }
            submit(shard, new ShardCommand.Ingest(List.of(new InputLine.WatermarkLine(null, KEYS)), System.nanoTime(),
                    ++position));
            awaitPosition(shard, position);

            List<InputLine> completing = new ArrayList<>();
            for (int key = 0; key < COMPLETED; key++) {
                completing.add(event("k" + key, "B", KEYS + 1 + key));
            }
            completing.add(new InputLine.WatermarkLine(null, KEYS + 1 + COMPLETED));
            submit(shard, new ShardCommand.Checkpoint(1, state));
            submit(shard, new ShardCommand.Ingest(completing, System.nanoTime(), ++position));

            ShardState written = state.get(60, TimeUnit.SECONDS);
            awaitPosition(shard, position);
            assertEquals(COMPLETED, stateDoneAtAlert.size(), "the batch behind the barrier alerts");
            assertFalse(stateDoneAtAlert.contains(true),
                    "the batch behind the barrier was handled before the state was complete: " + stateDoneAtAlert);
            EngineListener ignore = new EngineListener() {
                @Override
                public void onAlert(Alert alert) {}

                @Override
                public void onLateEvent(LateEvent late) {}
            };
            try (Engine restored = Engine.restore(rules, config, ignore,
                    new DataInputStream(new ByteArrayInputStream(written.state().toByteArray()))).engine()) {
                assertEquals(KEYS, restored.counters().rules().get(0).partialMatches(),
                        "the state is the barrier's: every key still waits for its b");
            }
            assertTrue(written.pauseNanos() > 0, "the pause is measured");
        } finally {
            shard.stop();
        }
    }

    private static InputLine event(String key, String type, long ts) {
        return new InputLine.EventLine(new Event("s", ts, ts, Map.of("k", key, "type", type, "ts", ts)));
    }

    private static void submit(Shard shard, ShardCommand command) throws InterruptedException {
        while (!shard.submit(command)) {
            Thread.sleep(1);
        }
    }

    private static void awaitPosition(Shard shard, long position) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (shard.position() < position) {
            assertTrue(System.nanoTime() < deadline, "the shard should reach position " + position);
            Thread.sleep(1);
        }
    }
}

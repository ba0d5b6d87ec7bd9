package dev.vigil.server.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.wire.InputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private Shard shard(int queueCapacity) {
        return new Shard(0, queueCapacity, listener -> new Engine(RuleCompiler.compile("rules.cep",
                "RULE by_card FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 0").rules(),
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

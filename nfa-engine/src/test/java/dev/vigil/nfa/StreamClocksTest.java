package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamClocks} decides lateness exactly as the engine does: over random input of three streams with
 * different delays (one read by no rule), explicit watermarks for one stream and for all, and events out of order,
 * the same events are late, with the same reports, and no on-time event is at or below the lowest watermark.
 */
class StreamClocksTest {
    private static final String RULES = """
            STREAM fast (k STRING, ts TIMESTAMP) WATERMARK DELAY 2 MILLISECONDS;
            STREAM slow (k STRING, ts TIMESTAMP) WATERMARK DELAY 20 MILLISECONDS;
            RULE both FROM fast, slow PARTITION BY k PATTERN a -> b WITHIN 1 SECOND
              DEFINE a AS fast, b AS slow;
            RULE one FROM fast PARTITION BY k PATTERN a b DEFINE a AS TRUE, b AS TRUE;
            """;

    @Test
    void lateEventsAreTheEnginesOnRandomInput() {
        CompileResult compiled = RuleCompiler.compile("clocks.cep", RULES);
        assertTrue(compiled.ok(), () -> compiled.diagnostics().toString());
        for (long seed = 1; seed <= 50; seed++) {
            Random random = new Random(seed);
            EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(5);
            List<String> byEngine = new ArrayList<>();
            Engine engine = new Engine(compiled.rules(), config, new EngineListener() {
                @Override
                public void onAlert(Alert alert) {}

                @Override
                public void onLateEvent(LateEvent late) {
                    byEngine.add(late.event() + " " + late.watermark() + " " + late.reason());
                }
            });
            StreamClocks clocks = StreamClocks.of(compiled.rules(), config);
            List<String> byClocks = new ArrayList<>();
            long time = 1_000;
            for (int i = 0; i < 300; i++) {
                int choice = random.nextInt(20);
                if (choice == 0) {
                    engine.advanceWatermark(time - 10);
                    clocks.advanceWatermark(time - 10);
                    continue;
                }
                if (choice == 1) {
                    engine.advanceWatermark("slow", time - 5);
                    clocks.advanceWatermark("slow", time - 5);
                    continue;
                }
                time += random.nextInt(4);
                String stream = new String[] {"fast", "slow", "other"}[random.nextInt(3)];
                Event event = new Event(stream, time - random.nextInt(30), i, Map.of("k", "k" + random.nextInt(3)));
                long lowest = clocks.watermark();
                Offer offer = clocks.offer(event);
                assertEquals(engine.offer(event), offer, "seed " + seed + ": " + event);
                if (offer == Offer.LATE) {
                    LateEvent late = clocks.lateEvent(event);
                    byClocks.add(late.event() + " " + late.watermark() + " " + late.reason());
                } else if (offer == Offer.ACCEPTED) {
                    assertTrue(event.timestamp() > lowest, "seed " + seed + ": on time " + event + " below " + lowest);
                }
                assertEquals(engine.watermark("fast"), clocks.watermark("fast"));
                assertEquals(engine.watermark("slow"), clocks.watermark("slow"));
                assertEquals(Math.min(clocks.watermark("fast"), clocks.watermark("slow")), clocks.watermark());
            }
            assertEquals(byEngine, byClocks, "seed " + seed);
            assertEquals(engine.counters().late(), clocks.late());
            assertTrue(clocks.late() > 0, "seed " + seed + " should have late events");
        }
    }

    @Test
    void restoredClocksGoOnWhereTheCheckpointLeftThem() {
        CompileResult compiled = RuleCompiler.compile("clocks.cep", RULES);
        EngineConfig config = EngineConfig.defaults();
        StreamClocks clocks = StreamClocks.of(compiled.rules(), config);
        clocks.offer(new Event("fast", 1_000, 1, Map.of("k", "a")));
        clocks.advanceWatermark("slow", 500);
        StreamClocks restored = StreamClocks.of(compiled.rules(), config);
        for (String stream : List.of("fast", "slow", "other")) {
            restored.restore(stream, clocks.maxSeen(stream), clocks.watermark(stream));
        }
        assertEquals(997, restored.watermark("fast"));   // 1,000 - 2 ms delay - 1
        assertEquals(500, restored.watermark("slow"));
        assertEquals(Offer.LATE, restored.offer(new Event("fast", 997, 2, Map.of("k", "a"))));
        assertEquals(Offer.ACCEPTED, restored.offer(new Event("fast", 998, 3, Map.of("k", "a"))));
        assertEquals(997, restored.watermark("fast"));   // 998 is below the largest time seen: the clock stays
        assertEquals(Offer.LATE, restored.offer(new Event("slow", 500, 4, Map.of("k", "a"))));
    }
}

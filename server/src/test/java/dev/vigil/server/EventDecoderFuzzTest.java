package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/**
 * Seeded, bounded fuzzing of the event input in the default build ({@link EventFuzz} makes the lines and holds the
 * invariants; {@code EventDecoderFuzzRun} runs the same for minutes in the {@code fuzz} profile, and
 * {@code EventRunFuzzTest} in the {@code cli} module sends such lines through {@code vigil run}): thousands of
 * mutated and hostile lines through the decoder, and through {@code POST /v1/events} and the {@code /v1/events}
 * WebSocket of a server running every example. Every line is accepted or refused with an error of its own, no
 * request fails, every message is acknowledged, and the valid lines of a request are kept.
 */
class EventDecoderFuzzTest {
    private static final long SEED = 16;

    @Test
    void mutatedLinesAreAcceptedOrRefusedOneByOneByTheDecoder() {
        EventFuzz fuzz = new EventFuzz(SEED, 20_000);
        int refused = EventFuzzRounds.decode(fuzz, 5_000);
        assertTrue(refused > 1_000 && refused < 4_800, "the mutations break most lines, not all: " + refused);
    }

    /** Not under the Vert.x extension, whose 60-second limit a loaded machine could reach. */
    @Test
    void mutatedLinesThroughARealServer() throws Exception {
        EventFuzz fuzz = new EventFuzz(SEED + 1, 4_000);
        Vertx vertx = Vertx.vertx();
        try (RunningServer server = RunningServer.start(vertx, EventFuzzRounds.serverConfig())) {
            EventFuzzRounds.post(server, fuzz, 40, 50);
            EventFuzzRounds.send(server, fuzz, 40, 50);
            EventFuzzRounds.assertServerWell(server);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}

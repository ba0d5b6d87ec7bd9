package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long event-input fuzz run, outside the default build: {@code mvn -B -Pfuzz -pl cli -am verify
 * -Dvigil.fuzz.minutes=N [-Dvigil.fuzz.seed=S]} (docs/fuzzing.md, "Event input"). Round after round, each with a
 * seed of its own (the first from {@code vigil.fuzz.seed}, else from the clock), it sends mutated and hostile
 * lines through the decoder, a real server's {@code POST /v1/events} and WebSocket, and {@code vigil run}, with
 * longer strings and bodies than the bounded {@link EventDecoderFuzzTest}, until {@code vigil.fuzz.minutes} have
 * passed. It prints one summary line and fails with the findings, each with the seed of its round ({@code new
 * EventFuzz(seed, ...)} makes the same lines again).
 */
class EventDecoderFuzzRun {
    /** Findings listed at most; a round stops at its first, and the run once the server is no longer well. */
    private static final int MAX_FINDINGS = 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 7, unit = TimeUnit.DAYS)   // bounded by vigil.fuzz.minutes instead
    void fuzzTheEventInputForTheConfiguredMinutes() throws Exception {
        Duration budget = Duration.ofSeconds((long) (60 * Double.parseDouble(System.getProperty("vigil.fuzz.minutes",
                "5"))));
        long deadline = System.nanoTime() + budget.toNanos();
        long firstSeed = Long.getLong("vigil.fuzz.seed", System.currentTimeMillis());
        List<String> findings = new ArrayList<>();
        long lines = 0;
        long refused = 0;
        int rounds = 0;
        Vertx vertx = Vertx.vertx();
        try (RunningServer server = RunningServer.start(vertx, EventFuzzRounds.serverConfig())) {
            for (long seed = firstSeed; System.nanoTime() < deadline && findings.size() < MAX_FINDINGS; seed++) {
                rounds++;
                try {
                    refused += EventFuzzRounds.decode(new EventFuzz(seed, 200_000), 20_000);
                    lines += 20_000;
                    EventFuzz serverFuzz = new EventFuzz(seed, 8_000);
                    EventFuzzRounds.post(server, serverFuzz, 20, 500);
                    EventFuzzRounds.send(server, serverFuzz, 20, 100);
                    EventFuzzCommandRound.run(dir, serverFuzz, 5_000);
                    lines += 20 * 500 + 20 * 100 + 5_000;
                } catch (AssertionError | Exception failed) {
                    findings.add("seed " + seed + ": " + failed);
                }
                try {
                    EventFuzzRounds.assertServerWell(server);
                } catch (AssertionError unwell) {
                    findings.add("seed " + seed + ": the server is not well after the round: " + unwell);
                    break;
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        System.out.printf("event fuzz run: seeds %d..%d, %d rounds, %d lines (%d refused by the decoder alone), "
                + "%d findings, in %s%n", firstSeed, firstSeed + rounds - 1, rounds, lines, refused, findings.size(),
                budget);
        if (!findings.isEmpty()) {
            fail(findings.size() + " finding(s):\n" + String.join("\n", findings));
        }
    }
}

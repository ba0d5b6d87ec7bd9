package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.client.TextMessages;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of issue 19 for a naive client: the server JVM is killed with SIGKILL at random moments (with a
 * pipeline of batches on the way, during checkpoints, and while the next server still recovers), and after every
 * kill the client simply sends the whole input again from the first batch, over the {@code /v1/events} WebSocket,
 * every batch named {@code resender:<index>}. The alert log at the end must be the one of an uninterrupted run that
 * got the same named batches once, id for id: batches the server took before a kill are acknowledged as
 * duplicates and not taken again (the producer's highest batch survives in the ingest log and checkpoints), and
 * the events of the batches it takes are identified by batch and index, not by the server's numbering, which the
 * kills change.
 *
 * <p>Input, rules and the comparison are {@link CrashTest}'s ({@link EventBatches}, {@code crash_chunks} puts every
 * event into some alert, {@code crash_abc} holds partial matches across kills). The seeded plan: {@code KILLS}
 * kills of the server after a random number of acknowledgements of a pass (one after the whole input was
 * acknowledged), each after a pause of up to 80 ms during which up to {@link #WINDOW} unacknowledged batches are
 * on the way; after every third of them the next server is also killed while it starts, 100 to 1,500 ms after its
 * launch (most land during its recovery).
 *
 * <p>About 60 s on two cores by default (10,000 events, 13 kills); {@code -Dvigil.resend.events},
 * {@code -Dvigil.resend.kills} and {@code -Dvigil.resend.seed} make a longer soak.
 */
class ResendCrashTest {
    private static final long SEED = Long.getLong("vigil.resend.seed", 20_260_419L);
    private static final int EVENTS = Integer.getInteger("vigil.resend.events", 10_000);
    private static final int KILLS = Integer.getInteger("vigil.resend.kills", 10);
    private static final int KEYS = 200;
    private static final int EVENTS_PER_BATCH = 100;
    private static final int MAX_KILL_PAUSE_MS = 80;
    /** Batches sent before their acknowledgements: a kill finds several taken but not acknowledged. */
    private static final int WINDOW = 16;
    private static final String PRODUCER = "resender";
    private static final String SOCKET = "/v1/events?source=crash";

    @TempDir
    static Path temp;

    private static final List<ServerProcess> started = new ArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    static void stopEveryServer() {
        for (ServerProcess server : started) {
            server.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void afterKillsAndFullResendsTheAlertLogIsThatOfAnUninterruptedRun() throws Exception {
        EventBatches input = EventBatches.generate(SEED, EVENTS, KEYS, EVENTS_PER_BATCH);
        long startNanos = System.nanoTime();
        try {
            List<JsonObject> reference = referenceRun(input);
            KillPlan plan = KillPlan.random(SEED, KILLS, input.size(), MAX_KILL_PAUSE_MS);
            Outcome crashed = crashRun(input, plan);
            long fromCheckpoints = started.stream().filter(server -> server.name().startsWith("crash-"))
                    .filter(server -> server.stderr().contains("recovered checkpoint")).count();
            AlertDiff diff = AlertDiff.of(reference, crashed.alerts());
            List<Integer> uncovered = CrashTest.uncoveredEvents(crashed.alerts(), input.events());
            System.out.printf("resend crash test: %d events in %d batches, %d kills (%s, and %d while starting); "
                    + "%d batches sent, %d acknowledged as duplicates; reference %d alerts, crash run %d alerts: %s; "
                    + "%s; %d restart(s) from a checkpoint; %.1f s%n", input.events(), input.size(),
                    plan.kills().size() + crashed.killedStarting(), plan, crashed.killedStarting(), crashed.sent(),
                    crashed.duplicates(), reference.size(), crashed.alerts().size(), diff.describeSets(),
                    diff.describeRepeated(), fromCheckpoints, (System.nanoTime() - startNanos) / 1e9);
            assertAll("the crash run's alert log against the uninterrupted run's",
                    () -> assertTrue(plan.kills().size() + crashed.killedStarting() >= 10, "issue 19: >= 10 kills"),
                    () -> assertTrue(crashed.duplicates() > 0, "the resends must have met batches taken before"),
                    () -> assertTrue(fromCheckpoints > 0, "no restart started from a checkpoint"),
                    () -> assertTrue(diff.repeated().isEmpty(), diff.describeRepeated()),
                    () -> assertTrue(diff.sameIds(), diff.describeSets()),
                    () -> assertEquals(List.of(), uncovered.subList(0, Math.min(10, uncovered.size())),
                            uncovered.size() + " event(s) in no alert of the crash run; the first"));
        } catch (Exception | AssertionError failure) {
            for (ServerProcess server : started) {
                System.out.print(server.logs());
            }
            throw failure;
        }
    }

    private static List<JsonObject> referenceRun(EventBatches input) throws Exception {
        Path folder = Files.createDirectories(temp.resolve("reference"));
        try (ServerProcess server = start("reference", folder)) {
            Pass pass = send(server, input, -1, 0);
            assertEquals(input.size(), pass.acknowledged(), "the reference run's connection dropped");
            assertEquals(0, pass.duplicates());
            CrashTest.awaitReferenceSettled(server, input.events());
            return AlertPages.readAll(server);
        }
    }

    /** What the crash run ended with, and what it took. */
    private record Outcome(List<JsonObject> alerts, int killedStarting, long sent, long duplicates) {}

    private static Outcome crashRun(EventBatches input, KillPlan plan) throws Exception {
        Path folder = Files.createDirectories(temp.resolve("crash"));
        Random random = new Random(SEED);
        int servers = 0;
        int killedStarting = 0;
        long sent = 0;
        long duplicates = 0;
        ServerProcess server = start("crash-" + servers++, folder);
        List<KillPlan.Kill> kills = plan.kills();
        for (int k = 0; k <= kills.size(); k++) {
            KillPlan.Kill kill = k < kills.size() ? kills.get(k) : null;
            Pass pass = send(server, input, kill == null ? -1 : kill.afterBatches(), kill == null ? 0 : kill.pauseMs());
            sent += pass.sent();
            duplicates += pass.duplicates();
            if (kill == null) {
                assertEquals(input.size(), pass.acknowledged(), "the last pass must get every batch acknowledged");
                break;
            }
            server.kill();
            if (k % 3 == 2) {   // the next server is killed while it starts: most likely recovering
                ServerProcess starting = ServerProcess.launch("crash-" + servers++, folder, rules(folder),
                        folder.resolve("data"), List.of(), List.of());
                started.add(starting);
                ServerProcess.pause(100 + random.nextInt(1_400));
                starting.kill();
                killedStarting++;
            }
            server = start("crash-" + servers++, folder);
        }
        try {
            CrashTest.awaitCrashRunSettled(server);
            return new Outcome(AlertPages.readAll(server), killedStarting, sent, duplicates);
        } finally {
            server.close();
        }
    }

    /** How a pass over the input ended: batches acknowledged (of them duplicates) and sent. */
    private record Pass(int acknowledged, int duplicates, int sent) {}

    /**
     * Sends the whole input from the first batch over one WebSocket, up to {@link #WINDOW} batches ahead of their
     * acknowledgements; after {@code killAfter} acknowledgements (-1: never) waits {@code pauseMs} and returns, the
     * batches sent after it still on their way (the caller kills the server then).
     */
    private static Pass send(ServerProcess server, EventBatches input, int killAfter, int pauseMs) throws Exception {
        TextMessages acks = new TextMessages();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(ServerProcess.TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + SOCKET), acks)
                .get(ServerProcess.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        int sent = 0;
        int acknowledged = 0;
        int duplicates = 0;
        try {
            while (acknowledged < input.size()) {
                if (acknowledged == killAfter) {
                    ServerProcess.pause(pauseMs);
                    return new Pass(acknowledged, duplicates, sent);
                }
                while (sent < input.size() && sent - acknowledged < WINDOW) {
                    socket.sendText(message(input, sent), true).get(ServerProcess.TIMEOUT.toSeconds(),
                            TimeUnit.SECONDS);
                    sent++;
                }
                String text = acks.messages().poll(ServerProcess.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (text == null) {
                    throw new IllegalStateException(server.name() + ": batch " + acknowledged + " not acknowledged"
                            + (server.isAlive() ? "" : "; the server died on its own"));
                }
                JsonObject ack = new JsonObject(text);
                int batch = acknowledged;
                if (!ack.getString("batch", "").equals(PRODUCER + ":" + batch)
                        || ack.getInteger("accepted") != input.lines(batch) || ack.getInteger("late") != 0
                        || !ack.getJsonArray("errors").isEmpty()) {
                    throw new IllegalStateException(server.name() + ": batch " + batch + " of " + input.lines(batch)
                            + " lines answered " + text);
                }
                duplicates += ack.getBoolean("duplicate") ? 1 : 0;
                acknowledged++;
            }
            return new Pass(acknowledged, duplicates, sent);
        } finally {
            socket.abort();
        }
    }

    /** Batch {@code index} as the named batch {@code resender:<index>}. */
    private static String message(EventBatches input, int index) {
        return "{\"batch\":\"" + PRODUCER + ":" + index + "\",\"events\":["
                + String.join(",", input.body(index).strip().split("\n")) + "]}";
    }

    private static Path rules(Path folder) throws IOException {
        return Files.createDirectories(folder.resolve("rules"));
    }

    private static ServerProcess start(String name, Path folder) throws Exception {
        ServerProcess server = ServerProcess.start(name, folder, rules(folder), folder.resolve("data"));
        started.add(server);
        server.deployAgain(CrashTest.RULES);
        return server;
    }
}

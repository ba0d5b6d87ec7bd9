package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import dev.vigil.server.VigilServer;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil send} and {@code vigil watch} against a real server on a loopback port: the README's walk-through
 * (stream an example's events, watch its alerts arrive) and their errors.
 */
class ClientCommandsTest {
    private final Vertx vertx = Vertx.vertx();
    private VigilServer server;
    private String url;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, example()).withShards(2)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close();
    }

    @Test
    void sentEventsProduceTheExampleAlertsOnTheWatch() throws Exception {
        List<String> expected = Files.readAllLines(example().resolve("expected-alerts.ndjson"));
        CompletableFuture<CliRun> watching = CompletableFuture.supplyAsync(
                () -> run("watch", "--url", url, "--rule", "card_testing", "--count", "" + expected.size()));
        awaitSubscriber();

        CliRun sent = run("send", "--url", url, "--batch", "7", example().resolve("events.ndjson").toString());
        assertEquals(0, sent.exit(), sent.err());
        assertEquals("sent 40 lines in 6 messages: 40 accepted (0 late), 0 refused\n", sent.out());
        Path end = Files.writeString(dir.resolve("end.ndjson"), "{\"watermark\": " + EventTime.MAX_MS + "}\n");
        assertEquals(0, run("send", "--url", url, end.toString()).exit());

        CliRun watched = watching.get(20, TimeUnit.SECONDS);
        assertEquals(0, watched.exit(), watched.err());
        List<String> ids = new ArrayList<>();
        for (String line : watched.out().split("\n")) {
            ids.add(new JsonObject(line).getString("id"));
        }
        List<String> expectedIds = new ArrayList<>();
        for (String line : expected) {
            expectedIds.add(new JsonObject(line).getString("id"));
        }
        assertEquals(expectedIds.stream().sorted().toList(), ids.stream().sorted().toList());
    }

    @Test
    void refusedLinesAreReportedWithTheirLineNumbers() throws Exception {
        Path events = Files.writeString(dir.resolve("events.ndjson"), """
                {"stream":"payments","ts":"2026-11-20T14:00:00Z","card_id":"c1","amount":1.0,"merchant":"m"}
                {"stream":"payments","ts":"2026-11-20T14:00:01Z","card_id":"c1","amount":"lots","merchant":"m"}
                {not json
                {"stream":"payments","ts":"2026-11-20T14:00:02Z","card_id":"c1","amount":1.5,"merchant":"m"}
                """);
        CliRun sent = run("send", "--url", url, "--batch", "2", events.toString());
        assertEquals(1, sent.exit());
        assertEquals("sent 4 lines in 2 messages: 2 accepted (0 late), 2 refused\n", sent.out());
        assertTrue(sent.err().startsWith("line 2: "), sent.err());
        assertTrue(sent.err().contains("\nline 3: invalid JSON"), sent.err());
    }

    @Test
    void aGzipFileIsSentAsItsLinesAndALineBeyondTheServersMessageBoundIsRefusedUnsent() throws Exception {
        String good = "{\"stream\":\"payments\",\"ts\":\"2026-11-20T14:00:00Z\",\"card_id\":\"c1\",\"amount\":1.0}\n";
        String huge = "{\"stream\":\"payments\",\"pad\":\"" + "x".repeat(InputLines.DEFAULT_MAX_LINE_BYTES) + "\"}\n";
        Path events = dir.resolve("events.ndjson");   // no .gz: the bytes say what it is
        try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(events))) {
            gzip.write((good + huge + good).getBytes(StandardCharsets.UTF_8));
        }
        CliRun sent = run("send", "--url", url, events.toString());
        assertEquals(1, sent.exit(), sent.err());
        assertEquals("sent 3 lines in 2 messages: 2 accepted (0 late), 1 refused\n", sent.out());
        assertEquals("line 2: too long: more than " + InputLines.DEFAULT_MAX_LINE_BYTES + " bytes (the bound on one "
                + "line, as the server's on one WebSocket message) (not sent)\n", sent.err());
    }

    @Test
    void theSummarySaysHowManyEventsNoRuleReadsAndOfWhichStreams() throws Exception {
        Path events = Files.writeString(dir.resolve("events.ndjson"), """
                {"stream":"payments","ts":"2026-11-20T14:00:00Z","card_id":"c1","amount":1.0,"merchant":"m"}
                {"stream":"payment","ts":"2026-11-20T14:00:01Z","card_id":"c1","amount":1.0,"merchant":"m"}
                {"stream":"refunds","ts":"2026-11-20T14:00:02Z","card_id":"c1"}
                {"stream":"payment","ts":"2026-11-20T14:00:03Z","card_id":"c1","amount":1.0,"merchant":"m"}
                """);
        CliRun sent = run("send", "--url", url, "--batch", "2", events.toString());
        assertEquals(0, sent.exit(), sent.err());
        assertEquals("sent 4 lines in 2 messages: 4 accepted (0 late, 3 of streams no rule reads: payment, refunds), "
                + "0 refused\n", sent.out());
    }

    @Test
    void aLineWithATimeBeyondTheRangeIsRefusedAndTheSendGoesOn() throws Exception {
        Path events = Files.writeString(dir.resolve("events.ndjson"), """
                {"stream":"payments","ts":"2026-11-20T14:00:00Z","card_id":"c1","amount":1.0,"merchant":"m"}
                {"stream":"payments","ts":"+292278994-08-17T07:12:55.808Z","card_id":"c1","amount":1.0,"merchant":"m"}
                {"watermark":"+999999999-12-31T23:59:59Z"}
                {"stream":"payments","ts":"2026-11-20T14:00:02Z","card_id":"c1","amount":1.5,"merchant":"m"}
                """);
        CliRun sent = run("send", "--url", url, events.toString());
        assertEquals(1, sent.exit(), sent.err());
        assertEquals("sent 4 lines in 1 messages: 2 accepted (0 late), 2 refused\n", sent.out());
        assertTrue(sent.err().startsWith("line 2: field 'ts' is outside the accepted event times"), sent.err());
        assertTrue(sent.err().contains("\nline 3: field 'watermark' is outside the accepted event times"),
                sent.err());
    }

    @Test
    void manyRefusedLinesAreCountedButOnlyTheFirstArePrinted() throws Exception {
        String good = "{\"stream\":\"payments\",\"ts\":\"2026-11-20T14:00:00Z\",\"card_id\":\"c1\",\"amount\":1.0}\n";
        Path events = Files.writeString(dir.resolve("events.ndjson"), good + "{\n".repeat(1_000) + good);
        CliRun sent = run("send", "--url", url, "--batch", "500", events.toString());
        assertEquals(1, sent.exit(), sent.err());
        assertEquals("sent 1002 lines in 3 messages: 2 accepted (0 late), 1000 refused\n", sent.out());
        List<String> printed = sent.err().lines().toList();
        assertEquals(SendCommand.MAX_REPORTED + 1, printed.size(), sent.err());
        assertTrue(printed.get(0).startsWith("line 2: invalid JSON"), printed.get(0));
        assertTrue(printed.get(99).startsWith("line 101: invalid JSON"), printed.get(99));
        assertEquals("vigil send: 900 more refused line(s) not printed; the summary counts them", printed.get(100));
    }

    @Test
    void aServerThatIsNotThereIsSaidPlainly() throws Exception {
        int unused;
        try (ServerSocket probe = new ServerSocket(0)) {
            unused = probe.getLocalPort();
        }
        CliRun sent = run("send", "--url", "http://127.0.0.1:" + unused, example().resolve("events.ndjson").toString());
        assertEquals(3, sent.exit(), "as vigil bench: no server");
        assertTrue(sent.err().startsWith("vigil send: cannot connect to ws://127.0.0.1:" + unused + "/v1/events"),
                sent.err());
        CliRun watched = run("watch", "--url", "ftp://nowhere");
        assertEquals(2, watched.exit());
        assertEquals("vigil watch: --url ftp://nowhere must look like http://host:port or https://host:port\n",
                watched.err());
    }

    @Test
    void aRefusedTokenEndsWithStatus4() throws Exception {
        VigilServer guarded = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                        .withTokens(List.of(dev.vigil.server.config.AccessToken.parse("read:right-token")))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            CliRun watched = run("watch", "--url", "http://127.0.0.1:" + guarded.port(), "--token", "wrong-token");
            assertEquals(4, watched.exit(), watched.err());
            assertTrue(watched.err().contains("refused the connection: HTTP 401"), watched.err());
        } finally {
            guarded.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** Waits until the watch command's WebSocket is registered, so no alert is pushed before it listens. */
    private void awaitSubscriber() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/metrics"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.contains("vigil_alert_subscribers 1.0")) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the watch never subscribed");
    }

    private static Path example() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("rules-examples"))) {
                return dir.resolve("rules-examples").resolve("card-testing");
            }
        }
        throw new IllegalStateException("no rules-examples folder above " + Path.of("").toAbsolutePath());
    }
}

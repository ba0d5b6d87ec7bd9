package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        // vigil send names its batches, so alert ids derive from the batches (stable across resends), not from the
        // line numbers vigil run's golden ids come from: everything else is the same
        assertEquals(withoutIds(expected), withoutIds(List.of(watched.out().split("\n"))));
    }

    /** The alerts as JSON without their ids, sorted. */
    private static List<String> withoutIds(List<String> alerts) {
        List<String> contents = new ArrayList<>();
        for (String line : alerts) {
            JsonObject alert = new JsonObject(line);
            alert.remove("id");
            contents.add(alert.encode());
        }
        return contents.stream().sorted().toList();
    }

    /**
     * A file sent again is taken once: its batches are named after the file and their index, so the server
     * acknowledges those it took as duplicates, the alerts keep their ids, and --resume skips them altogether.
     */
    @Test
    void aFileSentAgainIsTakenOnceAndResumeSkipsWhatTheServerTook() throws Exception {
        Path events = example().resolve("events.ndjson");
        String producer = SendCommand.producerOf(events, 7);
        assertTrue(producer.matches("file-[0-9a-f]{16}"), producer);
        assertEquals(producer, SendCommand.producerOf(events, 7), "the same file and cuts: the same producer");
        assertNotEquals(producer, SendCommand.producerOf(events, 8), "other cuts: another producer");

        CliRun first = run("send", "--url", url, "--batch", "7", events.toString());
        assertEquals("sent 40 lines in 6 messages: 40 accepted (0 late), 0 refused\n", first.out(), first.err());
        Path end = Files.writeString(dir.resolve("end.ndjson"), "{\"watermark\": " + EventTime.MAX_MS + "}\n");
        assertEquals(0, run("send", "--url", url, "--producer", "end", end.toString()).exit());
        int expected = Files.readAllLines(example().resolve("expected-alerts.ndjson")).size();
        List<String> ids = alertIds(expected);

        CliRun again = run("send", "--url", url, "--batch", "7", events.toString());
        assertEquals(0, again.exit(), again.err());
        assertEquals("sent 40 lines in 6 messages: 40 accepted (0 late), of them 6 batch(es) of " + producer
                + " taken before and not again, 0 refused\n", again.out());
        CliRun resumed = run("send", "--url", url, "--batch", "7", "--resume", events.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertEquals("skipped lines 1-40 (batches " + producer + ":0-5, taken before); sent 0 lines in 0 messages: "
                + "0 accepted (0 late), 0 refused\n", resumed.out());
        assertEquals(0, run("send", "--url", url, "--producer", "end", end.toString()).exit());
        String metrics = get("/metrics");
        assertTrue(metrics.contains("vigil_events_in_total{stream=\"payments\"} 40.0"), metrics);
        assertTrue(metrics.contains("vigil_duplicate_batches_total 7.0"), metrics);
        assertEquals(ids, alertIds(expected), "no alert came twice, none changed");
        assertEquals(0, new JsonObject(get("/v1/producers/end")).getInteger("sequence"));
    }

    @Test
    void resumeNeedsAProducerForStandardInputAndAProducerIdThatIsOne() {
        CliRun stdin = run("send", "--url", url, "--resume", "-");
        assertEquals(2, stdin.exit());
        assertEquals("vigil send: --resume needs named batches: give --producer when reading standard input\n",
                stdin.err());
        CliRun bad = run("send", "--url", url, "--producer", "no spaces", example().resolve("events.ndjson")
                .toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("vigil send: --producer: a batch's producer must be 1 to 64 letters"),
                bad.err());
    }

    /** The ids of the server's alerts once it has {@code count} of them (they are logged shortly after the events). */
    private List<String> alertIds(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        io.vertx.core.json.JsonArray alerts = new io.vertx.core.json.JsonArray(get("/v1/alerts"));
        while (alerts.size() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            alerts = new io.vertx.core.json.JsonArray(get("/v1/alerts"));
        }
        List<String> ids = new ArrayList<>();
        for (Object alert : alerts) {
            ids.add(((JsonObject) alert).getString("id"));
        }
        assertEquals(count, ids.size());
        return ids;
    }

    private String get(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
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

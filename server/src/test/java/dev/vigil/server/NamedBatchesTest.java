package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.MemoryLimits;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches a client names ({@code X-Vigil-Batch}, {@code {"batch": ..., "events": [...]}}) are taken once however
 * often they are sent, across restarts from a checkpoint and the log, and their events are named after the batch:
 * the same batches give the same alert ids whatever else the server numbered before them.
 */
@ExtendWith(VertxExtension.class)
class NamedBatchesTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
            """;
    private static final String FIRST = """
            {"stream":"payments","card":"c1","amount":1,"ts":1000}
            {"stream":"payments","card":"c2","amount":1,"ts":1500}
            """;
    private static final String SECOND = """
            {"stream":"payments","card":"c1","amount":600,"ts":2000}
            {"watermark":3000}
            """;

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    @Test
    void aNamedBatchPostedTwiceIsTakenOnceAndAcknowledgedAsADuplicate(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            deploy(server);
            JsonObject first = post(server, "shop-1:0", FIRST);
            assertEquals(2, first.getInteger("accepted"));
            assertEquals("shop-1:0", first.getString("batch"));
            assertFalse(first.getBoolean("duplicate"));
            JsonObject again = post(server, "shop-1:0", FIRST);
            assertEquals(2, again.getInteger("accepted"));
            assertTrue(again.getBoolean("duplicate"), again.encode());

            post(server, "shop-1:1", SECOND);
            assertTrue(post(server, "shop-1:0", FIRST).getBoolean("duplicate"), "below the highest: a duplicate");
            assertTrue(post(server, "shop-1:1", SECOND).getBoolean("duplicate"));
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1);
            String metrics = server.pollUntil("/metrics", body -> body.contains("vigil_duplicate_batches_total 3.0"));
            assertTrue(metrics.contains("vigil_events_in_total{stream=\"payments\"} 3.0"), metrics);
            assertTrue(metrics.contains("vigil_batch_producers 1.0"), metrics);
            JsonObject producer = new JsonObject(bodyOf(server, "/v1/producers/shop-1"));
            assertEquals("shop-1", producer.getString("producer"));
            assertEquals(1, producer.getLong("sequence"));
            assertTrue(producer.getLong("position") > 0, producer.encode());
            assertEquals(1, new JsonArray(server.get("/v1/alerts").body()).size(), "the duplicates matched nothing");
        }
    }

    @Test
    void aGapIsTakenAndOnlyWhatIsAtOrBelowTheHighestIsADuplicate(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertFalse(post(server, "p:5", FIRST).getBoolean("duplicate"));
            assertFalse(post(server, "p:9", SECOND).getBoolean("duplicate"), "the client gave up on 6 to 8");
            assertTrue(post(server, "p:7", FIRST).getBoolean("duplicate"));
            assertEquals(9, new JsonObject(bodyOf(server, "/v1/producers/p")).getLong("sequence"));
        }
    }

    @Test
    void aNamedBatchSentTwiceOverTheWebSocketIsTakenOnce(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            deploy(server);
            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
            String batch0 = named("ws-client", 0, FIRST);
            String batch1 = named("ws-client", 1, SECOND);
            for (String message : List.of(batch0, batch0, batch1, batch0, batch1)) {
                socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            }
            List<Boolean> duplicates = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                JsonObject ack = new JsonObject(acks.poll(10, TimeUnit.SECONDS));
                assertEquals(i + 1, ack.getInteger("ack"));
                assertEquals(2, ack.getInteger("accepted"), ack.encode());
                duplicates.add(ack.getBoolean("duplicate"));
            }
            assertEquals(List.of(false, true, false, true, true), duplicates);
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1);
            assertTrue(server.pollUntil("/metrics", body -> body.contains("vigil_duplicate_batches_total 3.0"))
                    .contains("vigil_events_in_total{stream=\"payments\"} 3.0"));
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    /** NDJSON after a line {"batch": ...} alone is a named batch too; its refused lines are indexed after it. */
    @Test
    void ndjsonAfterABatchLineIsANamedBatch(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
            String message = "{\"batch\": \"lines:0\"}\n" + FIRST + "not json\n";
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            JsonObject first = new JsonObject(acks.poll(10, TimeUnit.SECONDS));
            assertEquals("lines:0", first.getString("batch"));
            assertEquals(2, first.getInteger("accepted"));
            assertEquals(1, first.getInteger("refused"));
            assertEquals(2, first.getJsonArray("errors").getJsonObject(0).getInteger("index"), first.encode());
            assertFalse(first.getBoolean("duplicate"));
            assertTrue(new JsonObject(acks.poll(10, TimeUnit.SECONDS)).getBoolean("duplicate"));
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    @Test
    void malformedBatchIdsAreRefusedSayingWhatIsWrong(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<String> noSequence = postRaw(server, "shop-1", FIRST);
            assertEquals(400, noSequence.statusCode());
            assertTrue(noSequence.body().contains("header X-Vigil-Batch: a batch id is <producer>:<sequence>"),
                    noSequence.body());
            HttpResponse<String> negative = postRaw(server, "shop-1:-3", FIRST);
            assertEquals(400, negative.statusCode());
            assertTrue(negative.body().contains("must be a whole number from 0"), negative.body());
            HttpResponse<String> badProducer = postRaw(server, "shop 1:3", FIRST);
            assertEquals(400, badProducer.statusCode());
            assertTrue(badProducer.body().contains("producer must be 1 to 64 letters"), badProducer.body());
            assertEquals(400, server.get("/v1/producers/no%20such").statusCode());
            HttpResponse<String> unknown = server.get("/v1/producers/nobody");
            assertEquals(404, unknown.statusCode());
            assertTrue(unknown.body().contains("no batch of producer 'nobody' is remembered"), unknown.body());

            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
            socket.sendText("{\"batch\": \"x:1\", \"events\": [], \"extra\": 1}", true).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"batch\": 7, \"events\": []}", true).get(10, TimeUnit.SECONDS);
            JsonObject extra = new JsonObject(acks.poll(10, TimeUnit.SECONDS));
            assertEquals(0, extra.getInteger("accepted"));
            assertTrue(extra.getJsonArray("errors").getJsonObject(0).getString("error")
                    .contains("unknown field 'extra'"), extra.encode());
            JsonObject notText = new JsonObject(acks.poll(10, TimeUnit.SECONDS));
            assertTrue(notText.getJsonArray("errors").getJsonObject(0).getString("error")
                    .contains("field 'batch' must be a string"), notText.encode());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    /**
     * The identity of a named batch's events comes from the batch, so another server that numbered other events
     * first gives the same alerts the same ids.
     */
    @Test
    void theSameNamedBatchesGiveTheSameAlertIdsWhateverCameBefore(Vertx vertx) throws Exception {
        List<String> quiet;
        try (RunningServer server = RunningServer.start(vertx)) {
            deploy(server);
            post(server, "shop-1:0", FIRST);
            post(server, "shop-1:1", SECOND);
            quiet = ids(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1));
        }
        try (RunningServer server = RunningServer.start(vertx)) {
            deploy(server);
            HttpResponse<String> other = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"stream\":\"payments\",\"card\":\"c9\",\"amount\":7,\"ts\":500}\n".repeat(5));
            assertEquals(202, other.statusCode(), other.body());
            post(server, "shop-1:0", FIRST);
            post(server, "shop-1:1", SECOND);
            assertEquals(quiet, ids(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1)));
        }
    }

    @Test
    void aRestartFromACheckpointAndTheLogRemembersTheProducers(Vertx vertx) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null).withDataDir(data).withShards(2)
                .withCheckpointIntervalMs(0);
        List<String> before;
        try (RunningServer server = RunningServer.start(vertx, config)) {
            deploy(server);
            post(server, "before-checkpoint:0", FIRST);
            server.checkpointer().checkpointNow().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            post(server, "after-checkpoint:0", SECOND);
            before = ids(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1));
        }
        try (RunningServer server = RunningServer.start(vertx, config)) {
            assertTrue(server.serverErr().contains("recovered checkpoint 1 ("), server.serverErr());
            assertEquals(0, new JsonObject(bodyOf(server, "/v1/producers/before-checkpoint")).getLong("sequence"),
                    "kept by the checkpoint");
            assertEquals(0, new JsonObject(bodyOf(server, "/v1/producers/after-checkpoint")).getLong("sequence"),
                    "replayed from the log");
            assertTrue(post(server, "before-checkpoint:0", FIRST).getBoolean("duplicate"));
            assertTrue(post(server, "after-checkpoint:0", SECOND).getBoolean("duplicate"));
            assertEquals(before, ids(server.get("/v1/alerts").body()));
            assertTrue(server.pollUntil("/metrics", body -> body.contains("vigil_duplicate_batches_total 2.0"))
                    .contains("vigil_batch_producers 2.0"));
        }
    }

    @Test
    void theBoundOnProducersForgetsTheLeastRecentlyActiveAndCountsIt(Vertx vertx) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null)
                .withMemory(MemoryLimits.defaults().withMaxProducers(2));
        try (RunningServer server = RunningServer.start(vertx, config)) {
            post(server, "a:0", FIRST);
            post(server, "b:0", FIRST);
            assertTrue(post(server, "a:0", FIRST).getBoolean("duplicate"), "a is now the most recently active");
            post(server, "c:0", FIRST);
            assertEquals(404, server.get("/v1/producers/b").statusCode(), "b was the least recently active");
            assertEquals(200, server.get("/v1/producers/a").statusCode());
            assertFalse(post(server, "b:0", FIRST).getBoolean("duplicate"), "a forgotten producer's batch is new");
            String metrics = server.pollUntil("/metrics",
                    body -> body.contains("vigil_batch_producers_forgotten_total 2.0"));
            assertTrue(metrics.contains("vigil_batch_producers 2.0"), metrics);
        }
    }

    private static void deploy(RunningServer server) throws Exception {
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(201, created.statusCode(), created.body());
    }

    private JsonObject post(RunningServer server, String batch, String ndjson) throws Exception {
        HttpResponse<String> posted = postRaw(server, batch, ndjson);
        assertEquals(202, posted.statusCode(), posted.body());
        return new JsonObject(posted.body());
    }

    private HttpResponse<String> postRaw(RunningServer server, String batch, String ndjson) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                .timeout(RunningServer.TIMEOUT).header("Content-Type", "application/x-ndjson")
                .header("X-Vigil-Batch", batch).POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String bodyOf(RunningServer server, String path) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The NDJSON lines as one named batch message for the WebSocket. */
    private static String named(String producer, int sequence, String ndjson) {
        JsonArray events = new JsonArray();
        for (String line : ndjson.strip().split("\n")) {
            events.add(new JsonObject(line));
        }
        return new JsonObject().put("batch", producer + ":" + sequence).put("events", events).encode();
    }

    private static List<String> ids(String alerts) {
        List<String> ids = new ArrayList<>();
        for (Object alert : new JsonArray(alerts)) {
            ids.add(((JsonObject) alert).getString("id"));
        }
        return ids;
    }
}

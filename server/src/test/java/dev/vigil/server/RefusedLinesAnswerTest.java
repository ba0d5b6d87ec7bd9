package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.source.EventFrame;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request or message of many broken lines is answered with the first 100 reasons and a count of all refused
 * lines, not with a reason per line: a 4 MiB body of {@code {} lines used to get a 447 MB answer, built for over
 * a minute in about 1.9 GB of memory. The valid lines among them are kept.
 */
@ExtendWith(VertxExtension.class)
class RefusedLinesAnswerTest {
    private static final String RULE = SmallThenBig.RULE;
    private static final String SMALL = SmallThenBig.SMALL;
    private static final String BIG = SmallThenBig.BIG;
    /** Generous: the answer must come, but how fast is measured by hand (docs/api.md), never asserted. */
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void aFourMebibyteBodyOfBrokenLinesGetsASmallAnswerCountingThemAll(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            int broken = ((4 << 20) - SMALL.length() - BIG.length() - 40) / 2;
            String body = SMALL + "\n" + "{\n".repeat(broken) + BIG + "\n{\"watermark\": 3000}";
            assertTrue(body.length() <= 4 << 20, "within the default body limit");

            HttpClient http = HttpClient.newBuilder().connectTimeout(RunningServer.TIMEOUT).build();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/v1/events")).timeout(PATIENCE).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(202, posted.statusCode(), posted.body().substring(0, Math.min(500, posted.body().length())));
            assertTrue(posted.body().length() < 40_000, "answer of " + posted.body().length() + " characters");
            JsonObject answer = new JsonObject(posted.body());
            assertEquals(3, answer.getInteger("accepted"));
            assertEquals(broken, answer.getInteger("refused"));
            JsonArray errors = answer.getJsonArray("errors");
            assertEquals(EventFrame.MAX_LISTED_ERRORS, errors.size());
            assertEquals(new JsonObject().put("line", 2).put("error", "invalid JSON, column 2: the object that starts "
                    + "at column 1 is not closed: the input ends where a field name in double quotes was expected (an "
                    + "event goes on one line: NDJSON; send a pretty-printed event on one line or inside a JSON array)"),
                    errors.getJsonObject(0));
            assertEquals(101, errors.getJsonObject(99).getInteger("line"));
            assertEquals(1, new JsonArray(server.pollUntil("/v1/alerts", text -> new JsonArray(text).size() == 1))
                    .size(), "the valid lines on both sides of the broken ones matched");
        }
    }

    @Test
    void aWebSocketMessageOfBrokenLinesIsAcknowledgedWithACountAndTheFirstReasons(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
            int broken = ((1 << 20) - SMALL.length() - BIG.length() - 2) / 2;
            socket.sendText(SMALL + "\n" + "{\n".repeat(broken) + BIG, true).get(60, TimeUnit.SECONDS);
            socket.sendText("{\"watermark\": 3000}", true).get(60, TimeUnit.SECONDS);

            String first = acks.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(first, "the message was acknowledged");
            assertTrue(first.length() < 40_000, "acknowledgement of " + first.length() + " characters");
            JsonObject ack = new JsonObject(first);
            assertEquals(1, ack.getInteger("ack"));
            assertEquals(2, ack.getInteger("accepted"));
            assertEquals(broken, ack.getInteger("refused"));
            JsonArray errors = ack.getJsonArray("errors");
            assertEquals(EventFrame.MAX_LISTED_ERRORS, errors.size());
            assertEquals(1, errors.getJsonObject(0).getInteger("index"));
            JsonObject second = new JsonObject(acks.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(new JsonObject().put("ack", 2).put("accepted", 1).put("late", 0).put("unrouted", 0)
                    .put("unroutedStreams", new JsonArray()).put("refused", 0)
                    .put("errors", new JsonArray()), second, "in order, after the message read on a worker");
            assertEquals(1, new JsonArray(server.pollUntil("/v1/alerts", text -> new JsonArray(text).size() == 1))
                    .size());
        }
    }
}

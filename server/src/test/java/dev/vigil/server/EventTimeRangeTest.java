package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event times beyond what epoch milliseconds hold, or outside the accepted years 0001 to 9999, in events and in
 * watermark lines: each such line is refused with an error naming its field, over HTTP and over the WebSocket, and
 * the valid lines of the same request are kept. (They used to overflow while being converted: HTTP 500 dropping the
 * whole request, a WebSocket message never acknowledged.)
 */
@ExtendWith(VertxExtension.class)
class EventTimeRangeTest {
    private static final String RULE = SmallThenBig.RULE;
    private static final String SMALL = SmallThenBig.SMALL;
    private static final String BIG = SmallThenBig.BIG;
    private static final String[] OUT_OF_RANGE = {
        "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 5, \"ts\": \"+292278994-08-17T07:12:55.808Z\"}",
        "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 5, \"ts\": \"+999999999-12-31T23:59:59Z\"}",
        "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 5, \"ts\": " + (Long.MAX_VALUE - 1) + "}",
        "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 5, \"ts\": " + Long.MIN_VALUE + "}",
        "{\"watermark\": \"+292278994-08-17T07:12:55.808Z\"}",
        "{\"watermark\": " + (Long.MAX_VALUE - 1) + ", \"stream\": \"payments\"}",
        "{\"watermark\": " + (EventTime.MAX_MS + 1) + "}",
    };

    @Test
    void anOutOfRangeLineIsRefusedByLineOverHttpAndTheOthersAreKept(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            String body = SMALL + "\n" + String.join("\n", OUT_OF_RANGE) + "\n" + BIG + "\n{\"watermark\": 3000}";
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", body);

            assertEquals(202, posted.statusCode(), posted.body());
            JsonObject answer = new JsonObject(posted.body());
            assertEquals(3, answer.getInteger("accepted"), "the two events and the watermark in range");
            JsonArray errors = answer.getJsonArray("errors");
            assertEquals(OUT_OF_RANGE.length, errors.size(), answer.encodePrettily());
            for (int i = 0; i < OUT_OF_RANGE.length; i++) {
                JsonObject error = errors.getJsonObject(i);
                assertEquals(i + 2, error.getInteger("line"));
                String field = OUT_OF_RANGE[i].startsWith("{\"watermark\"") ? "watermark" : "ts";
                assertTrue(error.getString("error").startsWith("field '" + field + "' is outside the accepted event "
                        + "times 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z"), error.encode());
            }
            String alerts = server.pollUntil("/v1/alerts", text -> new JsonArray(text).size() == 1);
            assertEquals(2000L, new JsonArray(alerts).getJsonObject(0).getLong("end"),
                    "the watermark was not moved to the end of time by the refused lines");
            assertEquals(3000L, server.ingest().watermark("payments"));
        }
    }

    @Test
    void anOutOfRangeElementIsRefusedInItsAcknowledgementOverTheWebSocket(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
            for (int i = 0; i < OUT_OF_RANGE.length; i++) {
                socket.sendText(SMALL + "\n" + OUT_OF_RANGE[i], true).get(10, TimeUnit.SECONDS);
                String text = acks.poll(10, TimeUnit.SECONDS);
                assertNotNull(text, "message " + (i + 1) + " was acknowledged");
                JsonObject ack = new JsonObject(text);
                assertEquals(i + 1, ack.getInteger("ack"));
                assertEquals(1, ack.getInteger("accepted"), text);
                JsonObject error = ack.getJsonArray("errors").getJsonObject(0);
                assertEquals(1, error.getInteger("index"), text);
                assertTrue(error.getString("error").contains("is outside the accepted event times"), text);
            }
            socket.sendText("[" + SMALL + ", " + OUT_OF_RANGE[0] + "]", true).get(10, TimeUnit.SECONDS);
            JsonObject array = new JsonObject(acks.poll(10, TimeUnit.SECONDS));
            assertEquals(1, array.getInteger("accepted"), array.encode());
            assertEquals(1, array.getJsonArray("errors").getJsonObject(0).getInteger("index"), array.encode());
        }
    }
}

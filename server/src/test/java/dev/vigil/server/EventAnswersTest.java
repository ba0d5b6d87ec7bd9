package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the answer to events says. Events of a stream no rule reads are accepted, and both acknowledgements (the 202
 * of {@code POST /v1/events} and the WebSocket's) count them and name their streams, so a misspelt stream name does
 * not go unnoticed.
 */
@ExtendWith(VertxExtension.class)
class EventAnswersTest {
    private static final String RULE = "RULE big FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 900";
    private static final String MISSPELT = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
            {"stream": "payment", "card": "c1", "amount": 1000, "ts": 1001}
            {"stream": "payment", "card": "c2", "amount": 1000, "ts": 1002}
            {"stream": "click", "page": "/", "ts": 1003}
            {"watermark": 1000}
            """;

    private RunningServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void thePostAnswerCountsTheEventsNoRuleReadsAndNamesTheirStreams() throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", MISSPELT);
        assertEquals(202, posted.statusCode(), posted.body());
        JsonObject answer = new JsonObject(posted.body());
        assertEquals(5, answer.getInteger("accepted"), "accepted all the same");
        assertEquals(3, answer.getInteger("unrouted"), answer.encode());
        assertEquals(new JsonArray().add("payment").add("click"), answer.getJsonArray("unroutedStreams"));

        HttpResponse<String> routed = server.send("POST", "/v1/events", "application/x-ndjson",
                "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 2000}\n");
        assertEquals(0, new JsonObject(routed.body()).getInteger("unrouted"), routed.body());
        assertEquals(new JsonArray(), new JsonObject(routed.body()).getJsonArray("unroutedStreams"));
    }

    @Test
    void theWebSocketAcknowledgementCountsThemToo() throws Exception {
        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
        socket.sendText(MISSPELT, true).get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String text = acks.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(text, "no acknowledgement");
        JsonObject ack = new JsonObject(text);
        assertEquals(5, ack.getInteger("accepted"), text);
        assertEquals(3, ack.getInteger("unrouted"), text);
        assertEquals(new JsonArray().add("payment").add("click"), ack.getJsonArray("unroutedStreams"));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}

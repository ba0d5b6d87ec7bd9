package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
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
 * not go unnoticed. A JSON array is taken, as on the WebSocket; a multipart body ({@code curl -F}) is refused with
 * how to send the file itself.
 */
@ExtendWith(VertxExtension.class)
class EventAnswersTest {
    private static final String RULE = "RULE big FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 900";
    private static final String EVENTS = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
            {"stream": "payments", "card": "c2", "amount": 5, "ts": 1001}
            """;
    private static final String MISSPELT = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
            {"stream": "payment", "card": "c1", "amount": 1000, "ts": 1001}
            {"stream": "payment", "card": "c2", "amount": 1000, "ts": 1002}
            {"stream": "click", "page": "/", "ts": 1003}
            {"watermark": 1000}
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(RunningServer.TIMEOUT).build();
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

    @Test
    void aJsonArrayIsTakenAsOnTheWebSocketWithRefusalsByIndex() throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/json", """
                [{"stream": "payments", "card": "c1", "amount": 1, "ts": 1000},
                 42,
                 {"watermark": 900}]""");
        assertEquals(202, posted.statusCode(), posted.body());
        JsonObject answer = new JsonObject(posted.body());
        assertEquals(2, answer.getInteger("accepted"));
        assertEquals(1, answer.getInteger("refused"));
        JsonObject refused = answer.getJsonArray("errors").getJsonObject(0);
        assertEquals(1, refused.getInteger("index"), "an element of the array by its index, as on the WebSocket");
        assertTrue(refused.getString("error").startsWith("expected a JSON object"), refused.encode());
    }

    @Test
    void multipartIsRefusedWithHowToSendTheFile() throws Exception {
        String boundary = "----vigil";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"events.ndjson\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n" + EVENTS + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> posted = post(form.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertEquals(415, posted.statusCode(), posted.body());
        String error = new JsonObject(posted.body()).getString("error");
        assertTrue(error.contains("multipart") && error.contains("--data-binary @FILE")
                && error.contains("application/x-ndjson"), error);
    }

    private HttpResponse<String> post(byte[] body, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                .timeout(RunningServer.TIMEOUT).headers(headers).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}

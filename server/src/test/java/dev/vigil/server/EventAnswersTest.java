package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the answer to events says. Events of a stream no rule reads are accepted, and both acknowledgements (the 202
 * of {@code POST /v1/events} and the WebSocket's) count them and name their streams, so a misspelt stream name does
 * not go unnoticed. The shapes a body comes in by mistake or by choice: a JSON array (taken, as on the WebSocket),
 * multipart ({@code curl -F}), compressed, lines run together ({@code curl --data}), pretty-printed, broken JSON;
 * each mistake gets a plain answer that says what was wrong, where, and what to send instead, and none leaks the
 * parser's terms.
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
    /** Words of Jackson's messages that mean nothing to a sender. */
    private static final List<String> PARSER_TERMS = List.of("Source", "REDACTED", "START_OBJECT", "CTRL-CHAR",
            "marker", "token", "StreamReadFeature", "code 31");

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
    void aJsonArrayThatDoesNotParseIsRefusedWholeWithItsLineAndColumn() throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/json", """
                [{"stream": "payments", "card": "c1", "amount": 1, "ts": 1000},
                 {"stream": "payments" "card": "c2"}]""");
        assertEquals(400, posted.statusCode(), posted.body());
        String error = new JsonObject(posted.body()).getString("error");
        assertEquals("invalid JSON array, line 2, column 24: expected ',' or '}' after the field's value, found '\"'",
                error);
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

    @Test
    void aCompressedBodyIsRefusedSayingSoWithOrWithoutItsHeader() throws Exception {
        HttpResponse<String> declared = post(gzip(EVENTS), "Content-Type", "application/x-ndjson",
                "Content-Encoding", "gzip");
        assertEquals(415, declared.statusCode(), declared.body());
        assertEquals("identity", declared.headers().firstValue("Accept-Encoding").orElse(null));
        assertTrue(new JsonObject(declared.body()).getString("error").contains("send the body uncompressed"),
                declared.body());

        HttpResponse<String> undeclared = post(gzip(EVENTS), "Content-Type", "application/x-ndjson");
        assertEquals(415, undeclared.statusCode(), undeclared.body());
        assertTrue(new JsonObject(undeclared.body()).getString("error").contains("looks gzip-compressed"),
                undeclared.body());

        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
        socket.sendText(new String(gzip(EVENTS), StandardCharsets.ISO_8859_1), true)
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String ack = acks.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(ack);
        assertTrue(ack.contains("looks gzip-compressed"), ack);
    }

    @Test
    void linesRunTogetherByCurlDataAreToldToUseDataBinary() throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-www-form-urlencoded",
                EVENTS.replace("\n", ""));
        assertEquals(202, posted.statusCode(), posted.body());
        String error = new JsonObject(posted.body()).getJsonArray("errors").getJsonObject(0).getString("error");
        assertEquals("invalid JSON, column 62: another JSON value follows the value that ends at column 61; one event"
                + " per line (NDJSON): curl --data (-d) removes a file's line breaks, --data-binary @FILE keeps them",
                error);
    }

    @Test
    void brokenLinesAreDescribedInPlainWordsWithTheirColumn() throws Exception {
        String body = String.join("\n",
                "{\"stream\": \"payments\", \"card\": \"c1\"",
                "{\"stream\": \"payments\",",
                "{stream: \"payments\"}",
                "{\"stream\": 'payments'}",
                "{\"amount\": NaN}",
                "{\"amount\": 01}",
                "{\"a\": 1,}",
                "\u001f\u0001garbage",
                "{\"note\": \"tab\there\"}",
                "{\"a\": True}");
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", body);
        assertEquals(202, posted.statusCode(), posted.body());
        JsonArray errors = new JsonObject(posted.body()).getJsonArray("errors");
        List<String> expected = List.of(
                "invalid JSON, column 36: the object that starts at column 1 is not closed: the input ends where "
                        + "',' or '}' after the field's value was expected",
                "invalid JSON, column 23: the object that starts at column 1 is not closed: the input ends where a "
                        + "field name in double quotes was expected (an event goes on one line: NDJSON; send a "
                        + "pretty-printed event on one line or inside a JSON array)",
                "invalid JSON, column 2: expected a field name in double quotes, found 'stream' (a field name takes "
                        + "double quotes)",
                "invalid JSON, column 12: expected a value (a string in double quotes, a number, an object, an "
                        + "array, true, false or null), found ''' (JSON takes double quotes)",
                "invalid JSON, column 12: expected a value (a string in double quotes, a number, an object, an "
                        + "array, true, false or null), found 'NaN' (JSON has no NaN or Infinity)",
                "invalid JSON, column 12: a number may not start with 0 followed by more digits ('01')",
                "invalid JSON, column 9: expected a field name in double quotes, found '}' (JSON allows no ',' "
                        + "before '}')",
                "invalid JSON, column 1: expected a value (a string in double quotes, a number, an object, an "
                        + "array, true, false or null), found the control character U+001F",
                "invalid JSON, column 14: the control character U+0009 must be escaped inside a string (\\n, \\t, "
                        + "\\u00XX)",
                "invalid JSON, column 7: expected a value (a string in double quotes, a number, an object, an "
                        + "array, true, false or null), found 'True' (JSON writes it in lower case)");
        assertEquals(expected.size(), errors.size(), errors.encodePrettily());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(i + 1, errors.getJsonObject(i).getInteger("line"));
            assertEquals(expected.get(i), errors.getJsonObject(i).getString("error"));
        }
        for (Object error : errors) {
            for (String term : PARSER_TERMS) {
                assertTrue(!error.toString().contains(term), term + " in " + error);
            }
        }
    }

    @Test
    void aJsonBodyOfTheApiThatDoesNotParseSaysWhere() throws Exception {
        HttpResponse<String> rule = server.send("POST", "/v1/rules", "application/json", "{\"source\": \"RULE x}");
        assertEquals(400, rule.statusCode(), rule.body());
        String error = new JsonObject(rule.body()).getString("error");
        assertTrue(error.contains("the body is not valid JSON: column 20: the string that starts at column 12 is "
                + "not closed"), error);
        HttpResponse<String> validate = server.send("POST", "/v1/rules/validate", "application/json",
                "{\"source\" \"RULE x\"}");
        assertEquals(400, validate.statusCode(), validate.body());
        String reason = new JsonObject(validate.body()).getString("error");
        assertTrue(reason.contains("column 11: expected ':' after the field name, found '\"'"), reason);
        for (String term : PARSER_TERMS) {
            assertTrue(!reason.contains(term), term + " in " + reason);
        }
    }

    private HttpResponse<String> post(byte[] body, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                .timeout(RunningServer.TIMEOUT).headers(headers).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}

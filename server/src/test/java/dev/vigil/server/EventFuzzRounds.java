package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.source.EventFrame;
import dev.vigil.wire.InputLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The rounds of the event-input fuzzing, shared by the bounded test in the default build
 * ({@link EventDecoderFuzzTest}) and the long run of the {@code fuzz} profile ({@code EventDecoderFuzzRun}, in the
 * {@code cli} module, which adds the {@code vigil run} round): lines through the decoder, bodies through
 * {@code POST /v1/events}, messages through the {@code /v1/events} WebSocket. Each answer is compared with what the
 * decoder makes of the same text: every line accepted or refused with its own error, the valid lines of a request
 * kept, no 500, no message left unacknowledged.
 */
final class EventFuzzRounds {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private EventFuzzRounds() {
    }

    /** The server the rounds run against: every example deployed from the rules folder, as {@code vigil serve}. */
    static ServerConfig serverConfig() {
        return ServerConfig.of("127.0.0.1", 0, EventFuzz.examplesRoot()).withShards(2).withWatermarkDelayMs(5_000);
    }

    /** {@code count} lines through the decoder alone; returns how many were refused. */
    static int decode(EventFuzz fuzz, int count) {
        int refused = 0;
        for (int i = 0; i < count; i++) {
            if (EventFuzz.check(fuzz.line(), fuzz.decoder()) instanceof InputLine.Malformed) {
                refused++;
            }
        }
        return refused;
    }

    /**
     * {@code bodies} POSTs of {@code lines} lines each, one in five with invalid UTF-8 in it; each answer must be 202
     * with the decoder's verdicts (or, for invalid UTF-8, a 400 that says so, from a server that refuses it whole).
     */
    static void post(RunningServer server, EventFuzz fuzz, int bodies, int lines) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();
        for (int i = 0; i < bodies; i++) {
            String body = fuzz.lines(lines);
            while (body.length() > ServerConfig.DEFAULT_BODY_LIMIT_BYTES / 4) {   // a body under its limit
                body = fuzz.lines(Math.max(1, lines / 4));
            }
            boolean invalidUtf8 = fuzz.random().nextInt(5) == 0;
            byte[] bytes = invalidUtf8 ? fuzz.withInvalidUtf8(body) : body.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/v1/events")).timeout(PATIENCE).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            if (invalidUtf8 && answer.statusCode() == 400 && answer.body().contains("UTF-8")) {
                continue;
            }
            String received = new String(bytes, StandardCharsets.UTF_8);
            InputLine.eachLine(received, (line, index) -> EventFuzz.check(line, fuzz.decoder()));
            String sent = body;
            EventFrame expected = EventFrame.parse(received, fuzz.decoder());   // a body starting with [ is an array
            if (!expected.errors().isEmpty() && expected.errors().get(0).index() < 0) {
                assertEquals(400, answer.statusCode(), () -> "POST answered " + answer.body() + "\n  for "
                        + shown(sent));
                continue;
            }
            assertEquals(202, answer.statusCode(), () -> "POST answered " + answer.body() + "\n  for " + shown(sent));
            JsonObject json = new JsonObject(answer.body());
            assertEquals(expected.batch().size(), json.getInteger("accepted"), () -> "accepted: " + answer.body()
                    + "\n  for " + shown(sent));
            assertEquals(expected.refused(), json.getInteger("refused"), answer::body);
            boolean array = EventFrame.holdsArray(received);
            assertEquals(indexes(expected, array ? 0 : 1), lineNumbers(json.getJsonArray("errors"),
                    array ? "index" : "line"), answer::body);
        }
    }

    /**
     * {@code messages} WebSocket messages of {@code lines} lines (NDJSON) or elements (a JSON array) on one
     * connection; each must be acknowledged, in order, with the decoder's verdicts.
     */
    static void send(RunningServer server, EventFuzz fuzz, int messages, int lines) throws Exception {
        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
        for (int i = 1; i <= messages; i++) {
            String text = message(fuzz, lines);
            socket.sendText(text, true).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            String ack = acks.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(ack, () -> "no acknowledgement for " + shown(text));
            JsonObject json = new JsonObject(ack);
            EventFrame expected = EventFrame.parse(text, fuzz.decoder());
            assertEquals(i, json.getInteger("ack"), ack);
            assertEquals(expected.batch().size(), json.getInteger("accepted"), () -> ack + "\n  for " + shown(text));
            assertEquals(expected.refused(), json.getInteger("refused"), ack);
            assertEquals(indexes(expected, 0), lineNumbers(json.getJsonArray("errors"), "index"), ack);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** After the rounds: the server answers, its shards run, its alerts render, it reported no internal error. */
    static void assertServerWell(RunningServer server) throws Exception {
        assertEquals(200, server.get("/health").statusCode());
        assertTrue(server.ingest().running(), "every shard still runs");
        HttpResponse<String> alerts = server.get("/v1/alerts?limit=1000");
        assertEquals(200, alerts.statusCode());
        new JsonArray(alerts.body());
        assertTrue(!server.serverErr().contains("internal error") && !server.serverErr().contains("Exception"),
                () -> shown(server.serverErr()));
    }

    /** A message of NDJSON lines or a JSON array, at most a quarter of the frame limit (a larger frame is cut off). */
    private static String message(EventFuzz fuzz, int lines) {
        for (int count = lines; ; count = Math.max(1, count / 4)) {
            String text = wellFormed(fuzz.random().nextInt(4) == 0 ? fuzz.array(count) : fuzz.lines(count));
            if (text.getBytes(StandardCharsets.UTF_8).length <= ServerConfig.DEFAULT_FRAME_LIMIT_BYTES / 4) {
                return text;
            }
        }
    }

    /** The text with unpaired surrogates replaced, as a WebSocket client must send UTF-8. */
    private static String wellFormed(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static List<Integer> indexes(EventFrame frame, int first) {
        List<Integer> indexes = new ArrayList<>();
        for (EventFrame.ElementError error : frame.errors()) {
            indexes.add(error.index() < 0 ? null : error.index() + first);
        }
        return indexes;
    }

    private static List<Integer> lineNumbers(JsonArray errors, String field) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            numbers.add(errors.getJsonObject(i).getInteger(field));
        }
        return numbers;
    }

    static String shown(String text) {
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "... (" + text.length() + " characters)";
    }
}

package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
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
 * With a data folder the alert history survives a restart, and a reader resumes after the last alert it saw
 * ({@code ?after=<alert id>}) over HTTP, WebSocket and Server-Sent Events, without gap or repeat.
 */
@ExtendWith(VertxExtension.class)
class DurableAlertsTest {
    private static final String RULE = """
            RULE big FROM payments PARTITION BY card
              PATTERN a
              DEFINE a AS amount >= 100
              EMIT n = a.n
            """;

    @TempDir
    Path data;

    @Test
    void historySurvivesARestartAndReadersResumeAfterTheAlertTheySaw(Vertx vertx) throws Exception {
        List<String> before;
        try (RunningServer server = start(vertx, 201)) {
            feed(server, 0, 5);
            before = ids(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 5));
        }
        try (RunningServer server = start(vertx, 409)) {
            assertEquals(before, ids(server.get("/v1/alerts").body()), "the history came back from the data folder");
            assertEquals(before.subList(2, 5), ids(server.get("/v1/alerts?after=" + before.get(1)).body()));

            BlockingQueue<String> frames = new LinkedBlockingQueue<>();
            server.openSocket("/v1/alerts?after=" + before.get(3), new TextFrames(frames));
            assertEquals(before.get(4), new JsonObject(next(frames)).getString("id"), "first what it missed");
            feed(server, 5, 7);
            List<String> live = List.of(new JsonObject(next(frames)).getString("id"),
                    new JsonObject(next(frames)).getString("id"));
            assertEquals(ids(server.get("/v1/alerts").body()).subList(5, 7), live, "then live, nothing twice");

            HttpResponse<String> unknown = server.get("/v1/alerts?after=no-such-alert");
            assertEquals(404, unknown.statusCode());
            assertEquals("after", new JsonObject(unknown.body()).getString("parameter"));
            HttpResponse<String> both = server.get("/v1/alerts?after=" + before.get(0) + "&since=0");
            assertEquals(400, both.statusCode());
        }
    }

    /** Starts the server and posts the rule: 201 the first time, 409 after a restart (the rule came back). */
    private RunningServer start(Vertx vertx, int expected) throws Exception {
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data));
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(expected, created.statusCode(), created.body());
        return server;
    }

    /**
     * Events n = from..to-1 (time 1000·(n+1)), one alert each, released by a watermark at the last one's time: event
     * time goes on across a restart, so the next feed must be later.
     */
    private static void feed(RunningServer server, int from, int to) throws Exception {
        StringBuilder events = new StringBuilder();
        for (int n = from; n < to; n++) {
            events.append("{\"stream\":\"payments\",\"card\":\"c").append(n).append("\",\"amount\":100,\"n\":")
                    .append(n).append(",\"ts\":").append(1_000 * (n + 1)).append("}\n");
        }
        events.append("{\"watermark\":").append(1_000 * to).append("}");   // releases them; the next feed is later
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", events.toString());
        assertEquals(202, posted.statusCode(), posted.body());
    }

    private static List<String> ids(String json) {
        List<String> ids = new ArrayList<>();
        for (Object alert : new JsonArray(json)) {
            ids.add(((JsonObject) alert).getString("id"));
        }
        return ids;
    }

    private static String next(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "an alert frame");
        return frame;
    }
}

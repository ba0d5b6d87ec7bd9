package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event time per source over real connections: a slow source holds its stream back (so a fast source's events are
 * not late), and stops doing so when it disconnects or stays silent longer than the idle timeout, so timeouts fire
 * on quiet sources.
 */
@ExtendWith(VertxExtension.class)
class SourceTimeTest {
    private static final String RULE = """
            RULE answered FROM calls PARTITION BY line
              PATTERN ring -> pickup WITHIN 1 SECOND
              DEFINE ring AS kind = 'ring', pickup AS kind = 'pickup'
              ON TIMEOUT EMIT rang = ring.ts
            """;


    @Test
    void aSilentSourceStopsHoldingTimeBackAfterTheIdleTimeoutAndTheTimeoutFires(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, 3_000)) {
            Source quiet = new Source(server, "quiet-exchange");
            Source busy = new Source(server, "busy-exchange");
            quiet.send("{\"stream\":\"calls\",\"line\":\"l1\",\"kind\":\"ring\",\"ts\":10000}");
            busy.send("{\"stream\":\"calls\",\"line\":\"l2\",\"kind\":\"ring\",\"ts\":30000}\n"
                    + "{\"stream\":\"calls\",\"line\":\"l2\",\"kind\":\"pickup\",\"ts\":30100}");
            assertEquals(9_999, server.ingest().watermark("calls"), "the quiet source holds the stream back");
            busy.send("{\"stream\":\"calls\",\"line\":\"l3\",\"kind\":\"ring\",\"ts\":15000}");
            assertEquals(0, busy.lastAck().getInteger("late"), "behind the busy source, but not late");

            // Both fall silent: neither holds the stream back, which moves to the furthest source's watermark.
            String alerts = server.pollUntil("/v1/alerts?rule=answered",
                    body -> new JsonArray(body).size() == 2);
            TreeSet<String> timedOut = new TreeSet<>();
            for (Object alert : new JsonArray(alerts)) {
                assertEquals("timeout", ((JsonObject) alert).getString("kind"));
                timedOut.add(((JsonObject) alert).getString("key"));
            }
            assertEquals(new TreeSet<>(List.of("l1", "l3")), timedOut, "l2 was picked up, its pickup still waits");
            assertEquals(30_099, server.ingest().watermark("calls"));
        }
    }

    @Test
    void aSourceThatDisconnectsReleasesItsStreamAtOnce(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, 60_000)) {
            Source leaving = new Source(server, "leaving");
            Source staying = new Source(server, "staying");
            leaving.send("{\"stream\":\"calls\",\"line\":\"l1\",\"kind\":\"ring\",\"ts\":1000}");
            staying.send("{\"stream\":\"calls\",\"line\":\"l2\",\"kind\":\"ring\",\"ts\":50000}");
            assertEquals(999, server.ingest().watermark("calls"));
            leaving.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            server.pollUntil("/v1/alerts?rule=answered", body -> new JsonArray(body).size() == 1);
            assertEquals(49_999, server.ingest().watermark("calls"));
        }
    }

    @Test
    void aMalformedSourceNameIsRefused(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, 60_000)) {
            HttpResponse<String> refused = server.send("POST", "/v1/events?source=no%20spaces",
                    "application/x-ndjson", "{\"stream\":\"calls\",\"line\":\"l1\",\"kind\":\"ring\",\"ts\":1}");
            assertEquals(400, refused.statusCode());
            assertEquals("source", new JsonObject(refused.body()).getString("parameter"));
        }
    }

    private static RunningServer start(Vertx vertx, long idleTimeoutMs) throws Exception {
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withShards(2)
                .withSourceIdleTimeoutMs(idleTimeoutMs));
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(201, created.statusCode(), created.body());
        return server;
    }

    /** One event source: a WebSocket on /v1/events named by ?source=, waiting for each acknowledgement. */
    private static final class Source {
        final WebSocket socket;
        final BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        JsonObject last;

        Source(RunningServer server, String name) throws Exception {
            socket = server.openSocket("/v1/events?source=" + name, new TextFrames(acks));
        }

        void send(String ndjson) throws Exception {
            socket.sendText(ndjson, true).get(5, TimeUnit.SECONDS);
            last = new JsonObject(acks.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(new JsonArray(), last.getJsonArray("errors"), last.encode());
        }

        JsonObject lastAck() {
            return last;
        }
    }
}

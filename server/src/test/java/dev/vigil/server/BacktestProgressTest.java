package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/backtest} with {@code Accept: application/x-ndjson} streams where the replay is (a progress line
 * when it starts and about every 250 ms) and then the answer a plain request gets, as its last line; a client that
 * closes the stream cancels the replay; what is refused before the replay starts is answered as for a plain
 * request. Plain requests are unchanged ({@link BacktestTest}, {@link BacktestBoundsTest}).
 */
@ExtendWith(VertxExtension.class)
class BacktestProgressTest {
    private static final String EVERY_A = "RULE every_a FROM tx PARTITION BY key PATTERN a DEFINE a AS kind = 'a'";

    /**
     * How long the long replay may take to tell where it is and to see its client gone: it looks every 256 events,
     * and each costs up to the work bound, which a loaded machine runs slowly.
     */
    private static final int SLOW_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void theStreamStartsWithProgressAndEndsWithThePlainAnswer(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")))) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", EVERY_A).statusCode());
            for (int i = 0; i < 5; i++) {
                assertEquals(202, server.send("POST", "/v1/events", "application/x-ndjson",
                        "{\"stream\": \"tx\", \"key\": \"k" + i + "\", \"kind\": \"a\", \"ts\": " + (10_000 * i + 1_000)
                                + "}\n{\"watermark\": " + (10_000 * i + 2_000) + "}\n").statusCode());
            }
            String body = new JsonObject().put("rule", "every_a").encode();
            HttpResponse<String> plain = server.send("POST", "/v1/backtest", "application/json", body);
            assertEquals(200, plain.statusCode(), plain.body());

            HttpResponse<String> streamed = streamed(server, body);
            assertEquals(200, streamed.statusCode(), streamed.body());
            assertEquals("application/x-ndjson", streamed.headers().firstValue("Content-Type").orElse(""));
            String[] lines = streamed.body().split("\n");
            assertTrue(lines.length >= 2, streamed.body());
            JsonObject first = new JsonObject(lines[0]);
            assertEquals("progress", first.getString("type"));
            assertEquals(0, first.getLong("eventsRead"), "told when the replay starts");
            assertEquals(0.0, first.getDouble("fraction"));
            assertEquals(6, first.getLong("records"), "a deployment and five batches: " + first.encode());
            for (int i = 1; i < lines.length - 1; i++) {
                assertEquals("progress", new JsonObject(lines[i]).getString("type"), lines[i]);
            }
            JsonObject result = new JsonObject(lines[lines.length - 1]);
            assertEquals("result", result.remove("type"));
            assertEquals(new JsonObject(plain.body()), result, "the last line is the plain answer");
            assertEquals(5, result.getJsonArray("alerts").size());
        }
    }

    @Test
    void whatIsRefusedBeforeTheReplayIsAnsweredAsForAPlainRequest(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")))) {
            HttpResponse<String> refused = streamed(server, new JsonObject().put("text", "RULE r FROM tx PATTERN")
                    .encode());
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals("application/json", refused.headers().firstValue("Content-Type").orElse(""));
            assertTrue(new JsonObject(refused.body()).getJsonArray("diagnostics").size() > 0, refused.body());
            HttpResponse<String> unknown = streamed(server, new JsonObject().put("rule", "nope").encode());
            assertEquals(404, unknown.statusCode(), unknown.body());
        }
    }

    /**
     * On a replay that takes seconds (skip-till-any over a loop on one key, as in {@link BacktestBoundsTest}),
     * progress lines come while it runs, each having read more; the client then closes the connection and the replay
     * is cancelled.
     */
    @Test
    void progressComesWhileALongReplayRunsAndClosingTheStreamCancelsIt(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")))) {
            BacktestBoundsTest.logOneHotKey(server);
            List<JsonObject> progress = new ArrayList<>();
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                client.setSoTimeout(SLOW_MS);
                byte[] body = new JsonObject().put("text", BacktestBoundsTest.HOT).encode()
                        .getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(("POST /v1/backtest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Accept: application/x-ndjson\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                ChunkedLines lines = new ChunkedLines(client.getInputStream());
                assertEquals("HTTP/1.1 200 OK", lines.head().get(0));
                while (progress.size() < 3) {
                    JsonObject line = new JsonObject(lines.next());
                    assertEquals("progress", line.getString("type"), "the replay is still running: " + line.encode());
                    progress.add(line);
                }
            }
            for (int i = 1; i < progress.size(); i++) {
                assertTrue(progress.get(i).getLong("eventsRead") >= progress.get(i - 1).getLong("eventsRead"),
                        progress.toString());
                assertTrue(progress.get(i).getLong("elapsedMs") > progress.get(i - 1).getLong("elapsedMs"),
                        progress.toString());
            }
            assertTrue(progress.get(2).getLong("eventsRead") > 0, progress.toString());
            assertTrue(progress.get(2).getDouble("fraction") < 1, progress.toString());
            long deadline = System.nanoTime() + SLOW_MS * 1_000_000L;
            String metrics = server.get("/metrics").body();
            while (!metrics.contains("vigil_backtests_stopped_total{reason=\"cancelled\"} 1.0")
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                metrics = server.get("/metrics").body();
            }
            assertTrue(metrics.contains("vigil_backtests_stopped_total{reason=\"cancelled\"} 1.0"), metrics);
        }
    }

    private static HttpResponse<String> streamed(RunningServer server, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/backtest"))
                .timeout(RunningServer.TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Reads an HTTP/1.1 response with a chunked body from a socket, a body line at a time as it arrives. */
    private static final class ChunkedLines {
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        ChunkedLines(InputStream in) {
            this.in = in;
        }

        /** The status line and the headers. */
        List<String> head() throws IOException {
            List<String> head = new ArrayList<>();
            for (String line = crlfLine(); !line.isEmpty(); line = crlfLine()) {
                head.add(line);
            }
            return head;
        }

        /** The next line of the body, without its newline. */
        String next() throws IOException {
            while (true) {
                byte[] bytes = pending.toByteArray();
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        pending.reset();
                        pending.write(bytes, i + 1, bytes.length - i - 1);
                        return new String(bytes, 0, i, StandardCharsets.UTF_8);
                    }
                }
                int size = Integer.parseInt(crlfLine().trim(), 16);
                if (size == 0) {
                    throw new IOException("the body ended");
                }
                pending.write(in.readNBytes(size));
                crlfLine();
            }
        }

        private String crlfLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}

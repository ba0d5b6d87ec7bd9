package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A server whose ingest log holds a fixed, seeded input, for the backtest tests ({@link BacktestTest} over HTTP,
 * {@code BacktestCommandTest} through {@code vigil backtest}) to replay.
 *
 * <p>One server (three shards, against the backtest's one engine) gets the input once: {@value #WINDOWS} windows of
 * {@value #PER_WINDOW} events over {@value #KEYS} keys, each window's events within its first {@value #ACTIVE_MS}
 * ms of {@value #WINDOW_MS}, so no partial match (WITHIN 5 SECONDS) spans two windows: a window start is a quiet
 * boundary. No final watermark is sent: the last events stay pending and partial matches open.
 *
 * <p><b>Not thread-safe:</b> used by the test thread only.
 */
final class RecordedServer implements AutoCloseable {
    static final String RULES = """
            STREAM tx (key STRING, kind STRING, amount LONG, n LONG, ts TIMESTAMP) WATERMARK DELAY 1 SECOND;

            RULE abc FROM tx PARTITION BY key
              PATTERN a -> b -> c
              WITHIN 5 SECONDS
              DEFINE a AS kind = 'a', b AS kind = 'b', c AS kind = 'c'
              EMIT a = a.n, b = b.n, c = c.n
              ON TIMEOUT EMIT a = a.n
              TO file 'out/abc.ndjson';

            RULE big FROM tx PARTITION BY key
              PATTERN x
              DEFINE x AS amount >= 500
              EMIT n = x.n;
            """;
    static final long SEED = 4_242L;
    static final long T0 = 1_800_000_000_000L;
    static final int WINDOWS = 20;
    static final int PER_WINDOW = 300;
    static final int KEYS = 20;
    static final long WINDOW_MS = 100_000;
    static final long ACTIVE_MS = 50_000;
    static final int PER_BATCH = 100;

    /** One input event. */
    record Sent(long n, String key, String kind, long amount, long ts) {}

    private final Vertx vertx = Vertx.vertx();
    private final Path data;
    private final List<Sent> sent = new ArrayList<>();
    private RunningServer server;
    private List<JsonObject> liveAbc;

    private RecordedServer(Path data) {
        this.data = data;
    }

    /** Starts the server on {@code temp}/data, deploys {@link #RULES}, sends the input and waits for its alerts. */
    static RecordedServer start(Path temp) throws Exception {
        RecordedServer recorded = new RecordedServer(temp.resolve("data"));
        try {
            recorded.startAndFeed();
            return recorded;
        } catch (Exception | AssertionError failed) {
            recorded.close();
            throw failed;
        }
    }

    private void startAndFeed() throws Exception {
        // no idle-source watermarks: the log must not grow behind the test's back
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data).withShards(3)
                .withSourceIdleTimeoutMs(TimeUnit.HOURS.toMillis(1)));
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", RULES);
        assertEquals(201, deployed.statusCode(), deployed.body());
        for (String body : generate()) {
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", body);
            assertEquals(202, posted.statusCode(), posted.body());
        }
        JsonObject counters = counters("abc", sent.size());
        long emitted = counters.getLong("matches") + counters.getLong("timeouts");
        long deadline = System.nanoTime() + RunningServer.TIMEOUT.toNanos();
        for (liveAbc = live("abc"); liveAbc.size() < emitted; liveAbc = live("abc")) {
            assertTrue(System.nanoTime() < deadline, "the alert log got " + liveAbc.size() + " of " + emitted);
        }
        counters("big", sent.size());
        assertTrue(liveAbc.size() > 300, "many alerts: " + liveAbc.size());
        assertTrue(counters.getLong("timeouts") > 0 && counters.getLong("matches") > 0, counters.encode());
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    Vertx vertx() {
        return vertx;
    }

    /** The server's data folder. */
    Path data() {
        return data;
    }

    /** The input, in the order sent. */
    List<Sent> sent() {
        return sent;
    }

    /** The live alerts of rule {@code abc} once the whole input was matched, oldest first. */
    List<JsonObject> liveAbc() {
        return liveAbc;
    }

    // ------------------------------------------------------------------ input

    /** The NDJSON bodies of the whole input; fills {@link #sent}. */
    private List<String> generate() {
        Random random = new Random(SEED);
        List<String> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        long n = 0;
        for (int window = 0; window < WINDOWS; window++) {
            long ts = T0 + window * WINDOW_MS;
            for (int i = 0; i < PER_WINDOW; i++) {
                ts += random.nextInt(160);   // 300 events within 48 s: the rest of the window is quiet
                double draw = random.nextDouble();
                String kind = draw < 0.25 ? "a" : draw < 0.55 ? "b" : draw < 0.75 ? "c" : "x";
                Sent event = new Sent(n++, String.format("k%02d", random.nextInt(KEYS)), kind, random.nextInt(1000),
                        ts);
                sent.add(event);
                body.append(new JsonObject().put("stream", "tx").put("key", event.key()).put("kind", event.kind())
                        .put("amount", event.amount()).put("n", event.n()).put("ts", event.ts()).encode())
                        .append('\n');
                if (sent.size() % PER_BATCH == 0) {
                    bodies.add(body.toString());
                    body.setLength(0);
                }
            }
            assertTrue(ts < T0 + window * WINDOW_MS + ACTIVE_MS);
        }
        if (body.length() > 0) {
            bodies.add(body.toString());
        }
        return bodies;
    }

    // ------------------------------------------------------------------ requests

    /** {@code POST /v1/backtest} with {@code body}, whatever the answer. */
    HttpResponse<String> post(String body) throws Exception {
        return server.send("POST", "/v1/backtest", "application/json", body);
    }

    /** {@code POST /v1/backtest} with {@code request}; the answer must be 200. */
    JsonObject backtest(JsonObject request) throws Exception {
        HttpResponse<String> response = post(request.encode());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    /** The alerts of a backtest's answer, in its order. */
    static List<JsonObject> alerts(JsonObject answer) {
        List<JsonObject> alerts = new ArrayList<>();
        for (Object alert : answer.getJsonArray("alerts")) {
            alerts.add((JsonObject) alert);
        }
        return alerts;
    }

    /** The alert history of {@code rule}, oldest first. */
    List<JsonObject> live(String rule) throws Exception {
        return page("&rule=" + rule);
    }

    /** The whole alert history, oldest first. */
    List<JsonObject> all() throws Exception {
        return page("");
    }

    /** The alert history, oldest first, a page of 1,000 at a time (from the oldest: {@code since=0}). */
    private List<JsonObject> page(String filter) throws Exception {
        List<JsonObject> alerts = new ArrayList<>();
        String after = null;
        while (true) {
            HttpResponse<String> response = server.get("/v1/alerts?limit=1000" + filter
                    + (after == null ? "&since=0" : "&after=" + after));
            assertEquals(200, response.statusCode(), response.body());
            JsonArray page = new JsonArray(response.body());
            if (page.isEmpty()) {
                return alerts;
            }
            for (int i = 0; i < page.size(); i++) {
                alerts.add(page.getJsonObject(i));
            }
            after = page.getJsonObject(page.size() - 1).getString("id");
        }
    }

    /** The rule's counters once its shards have taken in {@code events} events. */
    JsonObject counters(String rule, long events) throws Exception {
        String body = server.pollUntil("/v1/rules/" + rule,
                status -> new JsonObject(status).getJsonObject("counters").getLong("eventsIn") == events);
        return new JsonObject(body).getJsonObject("counters");
    }
}

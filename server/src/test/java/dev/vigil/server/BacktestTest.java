package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.CliRun;
import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backtest ({@code POST /v1/backtest}, {@code vigil backtest}) replays the recorded ingest log through an isolated
 * engine: for a rule deployed before the first event it reproduces the live alerts id for id, over the whole log and
 * over a range with quiet boundaries; new text gives its own alerts; live state, the alert log and sinks are left
 * alone; and the command line on the data folder answers what the server answers.
 *
 * <p>One server (three shards, against the backtest's one engine) gets a fixed, seeded input once: {@value #WINDOWS}
 * windows of {@value #PER_WINDOW} events over {@value #KEYS} keys, each window's events within its first
 * {@value #ACTIVE_MS} ms of {@value #WINDOW_MS}, so no partial match (WITHIN 5 SECONDS) spans two windows: a window
 * start is a quiet boundary. No final watermark is sent: the last events stay pending and partial matches open.
 */
class BacktestTest {
    private static final String RULES = """
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
    private static final long SEED = 4_242L;
    private static final long T0 = 1_800_000_000_000L;
    private static final int WINDOWS = 20;
    private static final int PER_WINDOW = 300;
    private static final int KEYS = 20;
    private static final long WINDOW_MS = 100_000;
    private static final long ACTIVE_MS = 50_000;
    private static final int PER_BATCH = 100;

    /** One input event. */
    private record Sent(long n, String key, String kind, long amount, long ts) {}

    @TempDir
    static Path temp;

    private static Vertx vertx;
    private static RunningServer server;
    private static Path data;
    private static final List<Sent> sent = new ArrayList<>();
    private static List<JsonObject> liveAbc;

    @BeforeAll
    static void startAndFeed() throws Exception {
        vertx = Vertx.vertx();
        data = temp.resolve("data");
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

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void backtestOfTheDeployedRuleOverTheWholeLogEqualsItsLiveAlertsIdForId() throws Exception {
        JsonObject answer = backtest(new JsonObject().put("rule", "abc"));

        assertSameAlerts(liveAbc, alerts(answer));
        assertEquals(new JsonArray().add(new JsonObject().put("name", "abc").put("version", 1)),
                answer.getJsonArray("rules"));
        assertEquals(sent.size(), answer.getLong("eventsReplayed"));
        assertFalse(answer.getBoolean("truncated"));
        assertEquals(null, answer.getValue("from"));
        long open = counters("abc", sent.size()).getLong("partialMatches");
        assertTrue(open > 0, "the input ends with partial matches open");
        assertEquals(open, answer.getLong("openPartialMatches"),
                "the replay ends at the last logged watermark, as live is now, not at infinity");
    }

    @Test
    void backtestOverARangeWithQuietBoundariesEqualsTheLiveAlertsOfThatRange() throws Exception {
        long from = T0 + 5 * WINDOW_MS;
        long to = T0 + 12 * WINDOW_MS;
        JsonObject answer = backtest(new JsonObject().put("rule", "abc")
                .put("from", Instant.ofEpochMilli(from).toString()).put("to", to));

        List<JsonObject> expected = new ArrayList<>();
        for (JsonObject alert : liveAbc) {
            if (alert.getLong("start") >= from && alert.getLong("start") < to) {
                expected.add(alert);
            }
        }
        assertTrue(expected.size() > 50 && expected.size() < liveAbc.size() / 2, "a part: " + expected.size());
        assertSameAlerts(expected, alerts(answer));
        assertEquals(from, answer.getLong("from"));
        assertEquals(to, answer.getLong("to"));
        assertEquals(sent.stream().filter(e -> e.ts() >= from && e.ts() < to).count(), answer.getLong("eventsReplayed"));
        assertEquals(0, answer.getLong("openPartialMatches"), "every window's partial matches expired in its gap");
    }

    @Test
    void newTextWithAHigherThresholdAlertsOnExactlyTheEventsOverItAtVersionZero() throws Exception {
        long from = T0 + 2 * WINDOW_MS;
        long to = T0 + 8 * WINDOW_MS;
        String text = RULES.substring(0, RULES.indexOf(';') + 1)
                + "\nRULE big FROM tx PARTITION BY key PATTERN x DEFINE x AS amount >= 800 EMIT n = x.n;";
        JsonObject answer = backtest(new JsonObject().put("text", text).put("from", from).put("to", to));

        Set<Long> expected = new TreeSet<>();
        Set<Long> liveInRange = new TreeSet<>();
        for (Sent event : sent) {
            if (event.ts() >= from && event.ts() < to && event.amount() >= 800) {
                expected.add(event.n());
            }
        }
        for (JsonObject alert : live("big")) {
            if (alert.getLong("start") >= from && alert.getLong("start") < to) {
                liveInRange.add(alert.getJsonObject("fields").getLong("n"));
            }
        }
        Set<Long> got = new TreeSet<>();
        Set<String> liveIds = ids(live("big"));
        for (JsonObject alert : alerts(answer)) {
            assertEquals("big", alert.getString("rule"));
            assertEquals(0, alert.getInteger("version"), "candidate text runs as version 0");
            assertFalse(liveIds.contains(alert.getString("id")), "no candidate alert takes a live alert's id");
            got.add(alert.getJsonObject("fields").getLong("n"));
        }
        assertEquals(expected, got);
        assertTrue(liveInRange.containsAll(got) && liveInRange.size() > got.size(),
                "the live rule (>= 500) alerted on more: " + liveInRange.size() + " vs " + got.size());
    }

    @Test
    void aLimitTruncatesTheAnswerAfterThatManyAlerts() throws Exception {
        JsonObject whole = backtest(new JsonObject().put("rule", "abc"));
        JsonObject first = backtest(new JsonObject().put("rule", "abc").put("limit", 3));
        assertTrue(first.getBoolean("truncated"));
        assertEquals(alerts(whole).subList(0, 3), alerts(first), "the first three, in the engine's order");
    }

    @Test
    void mistakesAreAnsweredWithWhatAndWhere() throws Exception {
        HttpResponse<String> unknown = post(new JsonObject().put("rule", "nope").encode());
        assertEquals(404, unknown.statusCode());
        assertEquals("nope", new JsonObject(unknown.body()).getString("name"));

        HttpResponse<String> bad = post(new JsonObject().put("text", "RULE r FROM tx PATTERN a -> b\n"
                + "  DEFINE c AS kind = 'c';\n").encode());
        assertEquals(400, bad.statusCode(), bad.body());
        JsonObject diagnostic = new JsonObject(bad.body()).getJsonArray("diagnostics").getJsonObject(0);
        assertEquals(2, diagnostic.getInteger("line"), diagnostic.encode());
        assertEquals(10, diagnostic.getInteger("column"), diagnostic.encode());
        assertTrue(diagnostic.getString("rendered").startsWith("request:2:10: "), diagnostic.encode());

        assertRefused(new JsonObject().put("rule", "abc").put("from", "yesterday"), "from");
        assertRefused(new JsonObject().put("rule", "abc").put("from", T0 + 10).put("to", T0 + 10), "to");
        assertRefused(new JsonObject().put("rule", "abc").put("limit", 0), "limit");
        assertRefused(new JsonObject().put("rule", "abc").put("limit", 10_001), "limit");
        assertRefused(new JsonObject().put("rule", "abc").put("text", RULES), "text");
        assertRefused(new JsonObject(), "rule");
        assertRefused(new JsonObject().put("rule", "abc").put("form", 1), "form");
        HttpResponse<String> notJson = post("rule=abc");
        assertEquals(400, notJson.statusCode(), notJson.body());

        try (RunningServer memoryOnly = RunningServer.start(vertx)) {
            HttpResponse<String> none = memoryOnly.send("POST", "/v1/backtest", "application/json",
                    new JsonObject().put("rule", "abc").encode());
            assertEquals(409, none.statusCode());
            assertEquals("no ingest log to replay: the server runs without a data folder",
                    new JsonObject(none.body()).getString("error"));
        }
    }

    @Test
    void aBacktestNeedsATokenWithTheReadRole() throws Exception {
        try (RunningServer guarded = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withTokens(
                List.of(new AccessToken(Role.READ, "r3ad"), new AccessToken(Role.INGEST, "1ngest"))))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + guarded.port() + "/v1/backtest"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rule\": \"abc\"}"));
            HttpResponse<String> ingest = http.send(request.copy().header("Authorization", "Bearer 1ngest").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, ingest.statusCode(), ingest.body());
            assertEquals("read", new JsonObject(ingest.body()).getString("requiredRole"));
            HttpResponse<String> read = http.send(request.copy().header("Authorization", "Bearer r3ad").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(409, read.statusCode(), "past authentication, to the missing data folder: " + read.body());
        }
    }

    @Test
    void aBacktestLeavesLiveStateTheAlertLogAndSinksAlone() throws Exception {
        Path sink = data.resolve("sinks/out/abc.ndjson");
        long abcAlerts = liveAbc.size();
        awaitLines(sink, abcAlerts);
        JsonObject countersBefore = counters("abc", sent.size());
        List<String> sinkBefore = Files.readAllLines(sink);
        Set<String> logBefore = ids(all());

        backtest(new JsonObject().put("rule", "abc"));
        backtest(new JsonObject().put("text", RULES.replace("RULE abc", "RULE abc2")
                .replace("TO file 'out/abc.ndjson'", "TO file 'out/abc.ndjson', file 'out/candidate.ndjson', log")));

        assertEquals(countersBefore, counters("abc", sent.size()), "the live rule's counters");
        assertEquals(logBefore, ids(all()), "the alert log");
        assertEquals(sinkBefore, Files.readAllLines(sink), "the live rule's file sink");
        assertFalse(Files.exists(data.resolve("sinks/out/candidate.ndjson")),
                "the candidate's own sink was never opened");
    }

    @Test
    void vigilBacktestOnTheFolderOfARunningServerAnswersWhatTheServerAnswers() throws Exception {
        long from = T0 + 3 * WINDOW_MS;
        long to = T0 + 9 * WINDOW_MS;
        JsonObject http = backtest(new JsonObject().put("rule", "abc").put("from", from).put("to", to));
        CliRun cli = CliRun.of("backtest", "--data", data.toString(), "--rule", "abc", "--from",
                Instant.ofEpochMilli(from).toString(), "--to", String.valueOf(to));
        assertEquals(0, cli.exit(), cli.err());
        assertEquals(alerts(http), lines(cli.out()), "the same alerts in the same order");
        assertTrue(cli.err().startsWith("vigil backtest: abc v1: " + http.getLong("eventsReplayed") + " events in ["
                + from + ", " + to + ") replayed, " + alerts(http).size() + " alerts, 0 partial matches open"), cli.err());

        Path file = temp.resolve("candidate.cep");
        String candidate = RULES.replace("amount >= 500", "amount >= 900");
        Files.writeString(file, candidate);
        JsonObject byText = backtest(new JsonObject().put("text", candidate));
        CliRun offline = CliRun.of("backtest", "--data", data.toString(), "--rule-file", file.toString());
        assertEquals(0, offline.exit(), offline.err());
        assertEquals(alerts(byText), lines(offline.out()), "rule files run as version 0, like text over HTTP");

        CliRun unknown = CliRun.of("backtest", "--data", data.toString(), "--rule", "nope");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("no rule named 'nope' was ever deployed"), unknown.err());
        CliRun noLog = CliRun.of("backtest", "--data", temp.resolve("elsewhere").toString(), "--rule", "abc");
        assertEquals(2, noLog.exit());
        assertTrue(noLog.err().contains("holds no ingest log"), noLog.err());
        CliRun badTime = CliRun.of("backtest", "--data", data.toString(), "--rule", "abc", "--from", "soon");
        assertEquals(2, badTime.exit());
        assertTrue(badTime.err().contains("'soon' is not a time"), badTime.err());
    }

    // ------------------------------------------------------------------ input

    /** The NDJSON bodies of the whole input; fills {@link #sent}. */
    private static List<String> generate() {
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

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> post(String body) throws Exception {
        return server.send("POST", "/v1/backtest", "application/json", body);
    }

    private static JsonObject backtest(JsonObject request) throws Exception {
        HttpResponse<String> response = post(request.encode());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private static void assertRefused(JsonObject request, String field) throws Exception {
        HttpResponse<String> response = post(request.encode());
        assertEquals(400, response.statusCode(), request.encode() + " -> " + response.body());
        assertEquals(field, new JsonObject(response.body()).getString("field"), response.body());
    }

    /** Same alerts (whole objects) under the same ids, each once; the order may differ (three shards vs one). */
    private static void assertSameAlerts(List<JsonObject> expected, List<JsonObject> actual) {
        assertEquals(expected.size(), ids(expected).size(), "no id twice live");
        assertEquals(actual.size(), ids(actual).size(), "no id twice in the backtest");
        assertEquals(new TreeSet<>(ids(expected)), new TreeSet<>(ids(actual)));
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        for (JsonObject alert : expected) {
            byId.put(alert.getString("id"), alert);
        }
        for (JsonObject alert : actual) {
            assertEquals(byId.get(alert.getString("id")), alert);
        }
    }

    private static List<JsonObject> alerts(JsonObject answer) {
        List<JsonObject> alerts = new ArrayList<>();
        for (Object alert : answer.getJsonArray("alerts")) {
            alerts.add((JsonObject) alert);
        }
        return alerts;
    }

    private static Set<String> ids(List<JsonObject> alerts) {
        Set<String> ids = new HashSet<>();
        for (JsonObject alert : alerts) {
            ids.add(alert.getString("id"));
        }
        return ids;
    }

    private static List<JsonObject> live(String rule) throws Exception {
        return page("&rule=" + rule);
    }

    private static List<JsonObject> all() throws Exception {
        return page("");
    }

    /** The alert history, oldest first, a page of 1,000 at a time. */
    private static List<JsonObject> page(String filter) throws Exception {
        List<JsonObject> alerts = new ArrayList<>();
        String after = null;
        while (true) {
            HttpResponse<String> response = server.get("/v1/alerts?limit=1000" + filter
                    + (after == null ? "" : "&after=" + after));
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
    private static JsonObject counters(String rule, long events) throws Exception {
        String body = server.pollUntil("/v1/rules/" + rule,
                status -> new JsonObject(status).getJsonObject("counters").getLong("eventsIn") == events);
        return new JsonObject(body).getJsonObject("counters");
    }

    private static void awaitLines(Path file, long lines) throws Exception {
        long deadline = System.nanoTime() + RunningServer.TIMEOUT.toNanos();
        while (!(Files.exists(file) && Files.readAllLines(file).size() == lines)) {
            assertTrue(System.nanoTime() < deadline, file + " did not reach " + lines + " lines");
            Thread.onSpinWait();
        }
    }

    private static List<JsonObject> lines(String ndjson) {
        List<JsonObject> alerts = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            if (!line.isBlank()) {
                alerts.add(new JsonObject(line));
            }
        }
        return alerts;
    }

}

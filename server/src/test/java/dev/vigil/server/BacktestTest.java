package dev.vigil.server;

import static dev.vigil.server.RecordedServer.RULES;
import static dev.vigil.server.RecordedServer.T0;
import static dev.vigil.server.RecordedServer.WINDOW_MS;
import static dev.vigil.server.RecordedServer.alerts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.RecordedServer.Sent;
import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backtest ({@code POST /v1/backtest}) replays the recorded ingest log through an isolated engine: for a rule
 * deployed before the first event it reproduces the live alerts id for id, over the whole log and over a range with
 * quiet boundaries; new text gives its own alerts; live state, the alert log and sinks are left alone. The input is
 * {@link RecordedServer}'s, sent once; {@code vigil backtest} on the same folder is tested in the {@code cli}
 * module ({@code BacktestCommandTest}).
 */
class BacktestTest {
    @TempDir
    static Path temp;

    private static RecordedServer recorded;

    @BeforeAll
    static void startAndFeed() throws Exception {
        recorded = RecordedServer.start(temp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (recorded != null) {
            recorded.close();
        }
    }

    @Test
    void backtestOfTheDeployedRuleOverTheWholeLogEqualsItsLiveAlertsIdForId() throws Exception {
        JsonObject answer = recorded.backtest(new JsonObject().put("rule", "abc"));

        assertSameAlerts(recorded.liveAbc(), alerts(answer));
        assertEquals(new JsonArray().add(new JsonObject().put("name", "abc").put("version", 1)),
                answer.getJsonArray("rules"));
        assertEquals(recorded.sent().size(), answer.getLong("eventsReplayed"));
        assertFalse(answer.getBoolean("truncated"));
        assertEquals(null, answer.getValue("from"));
        long open = recorded.counters("abc", recorded.sent().size()).getLong("partialMatches");
        assertTrue(open > 0, "the input ends with partial matches open");
        assertEquals(open, answer.getLong("openPartialMatches"),
                "the replay ends at the last logged watermark, as live is now, not at infinity");
    }

    @Test
    void backtestOverARangeWithQuietBoundariesEqualsTheLiveAlertsOfThatRange() throws Exception {
        long from = T0 + 5 * WINDOW_MS;
        long to = T0 + 12 * WINDOW_MS;
        JsonObject answer = recorded.backtest(new JsonObject().put("rule", "abc")
                .put("from", Instant.ofEpochMilli(from).toString()).put("to", to));

        List<JsonObject> expected = new ArrayList<>();
        for (JsonObject alert : recorded.liveAbc()) {
            if (alert.getLong("start") >= from && alert.getLong("start") < to) {
                expected.add(alert);
            }
        }
        assertTrue(expected.size() > 50 && expected.size() < recorded.liveAbc().size() / 2,
                "a part: " + expected.size());
        assertSameAlerts(expected, alerts(answer));
        assertEquals(from, answer.getLong("from"));
        assertEquals(to, answer.getLong("to"));
        assertEquals(recorded.sent().stream().filter(e -> e.ts() >= from && e.ts() < to).count(),
                answer.getLong("eventsReplayed"));
        assertEquals(0, answer.getLong("openPartialMatches"), "every window's partial matches expired in its gap");
    }

    @Test
    void newTextWithAHigherThresholdAlertsOnExactlyTheEventsOverItAtVersionZero() throws Exception {
        long from = T0 + 2 * WINDOW_MS;
        long to = T0 + 8 * WINDOW_MS;
        String text = RULES.substring(0, RULES.indexOf(';') + 1)
                + "\nRULE big FROM tx PARTITION BY key PATTERN x DEFINE x AS amount >= 800 EMIT n = x.n;";
        JsonObject answer = recorded.backtest(new JsonObject().put("text", text).put("from", from).put("to", to));

        Set<Long> expected = new TreeSet<>();
        Set<Long> liveInRange = new TreeSet<>();
        for (Sent event : recorded.sent()) {
            if (event.ts() >= from && event.ts() < to && event.amount() >= 800) {
                expected.add(event.n());
            }
        }
        for (JsonObject alert : recorded.live("big")) {
            if (alert.getLong("start") >= from && alert.getLong("start") < to) {
                liveInRange.add(alert.getJsonObject("fields").getLong("n"));
            }
        }
        Set<Long> got = new TreeSet<>();
        Set<String> liveIds = ids(recorded.live("big"));
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
        JsonObject whole = recorded.backtest(new JsonObject().put("rule", "abc"));
        JsonObject first = recorded.backtest(new JsonObject().put("rule", "abc").put("limit", 3));
        assertTrue(first.getBoolean("truncated"));
        assertEquals(alerts(whole).subList(0, 3), alerts(first), "the first three, in the engine's order");
    }

    @Test
    void mistakesAreAnsweredWithWhatAndWhere() throws Exception {
        HttpResponse<String> unknown = recorded.post(new JsonObject().put("rule", "nope").encode());
        assertEquals(404, unknown.statusCode());
        assertEquals("nope", new JsonObject(unknown.body()).getString("name"));

        HttpResponse<String> bad = recorded.post(new JsonObject().put("text", "RULE r FROM tx PATTERN a -> b\n"
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
        HttpResponse<String> notJson = recorded.post("rule=abc");
        assertEquals(400, notJson.statusCode(), notJson.body());

        try (RunningServer memoryOnly = RunningServer.start(recorded.vertx())) {
            HttpResponse<String> none = memoryOnly.send("POST", "/v1/backtest", "application/json",
                    new JsonObject().put("rule", "abc").encode());
            assertEquals(409, none.statusCode());
            assertEquals("no ingest log to replay: the server runs without a data folder",
                    new JsonObject(none.body()).getString("error"));
        }
    }

    @Test
    void aBacktestNeedsATokenWithTheReadRole() throws Exception {
        try (RunningServer guarded = RunningServer.start(recorded.vertx(), ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(new AccessToken(Role.READ, "r3ad"), new AccessToken(Role.INGEST, "1ngest"))))) {
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
        Path sink = recorded.data().resolve("sinks/out/abc.ndjson");
        long abcAlerts = recorded.liveAbc().size();
        awaitLines(sink, abcAlerts);
        JsonObject countersBefore = recorded.counters("abc", recorded.sent().size());
        List<String> sinkBefore = Files.readAllLines(sink);
        Set<String> logBefore = ids(recorded.all());

        recorded.backtest(new JsonObject().put("rule", "abc"));
        recorded.backtest(new JsonObject().put("text", RULES.replace("RULE abc", "RULE abc2")
                .replace("TO file 'out/abc.ndjson'", "TO file 'out/abc.ndjson', file 'out/candidate.ndjson', log")));

        assertEquals(countersBefore, recorded.counters("abc", recorded.sent().size()), "the live rule's counters");
        assertEquals(logBefore, ids(recorded.all()), "the alert log");
        assertEquals(sinkBefore, Files.readAllLines(sink), "the live rule's file sink");
        assertFalse(Files.exists(recorded.data().resolve("sinks/out/candidate.ndjson")),
                "the candidate's own sink was never opened");
    }

    // ------------------------------------------------------------------ helpers

    private static void assertRefused(JsonObject request, String field) throws Exception {
        HttpResponse<String> response = recorded.post(request.encode());
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

    private static Set<String> ids(List<JsonObject> alerts) {
        Set<String> ids = new HashSet<>();
        for (JsonObject alert : alerts) {
            ids.add(alert.getString("id"));
        }
        return ids;
    }

    private static void awaitLines(Path file, long lines) throws Exception {
        long deadline = System.nanoTime() + RunningServer.TIMEOUT.toNanos();
        while (!(Files.exists(file) && Files.readAllLines(file).size() == lines)) {
            assertTrue(System.nanoTime() < deadline, file + " did not reach " + lines + " lines");
            Thread.onSpinWait();
        }
    }
}

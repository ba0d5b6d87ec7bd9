package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /v1/rules/{name}/keys/{key}}, {@code POST /v1/rules/{name}/explain} and {@code GET
 * /v1/rules/{name}/nfa?counts=true} on a real server with three shards, its key state on the heap or in RocksDB:
 * what a key holds, why an event does not match (and that asking changes nothing), the partial matches per state.
 */
@ExtendWith(VertxExtension.class)
class KeysAndExplainApiTest {
    private static final String PAIR = """
            RULE pair FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 10 SECONDS
              DEFINE small AS amount < 2, big AS amount >= 500 AND amount > 1000 * small.amount
            """;

    @TempDir
    Path data;

    private RunningServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void aKeyShowsItsRunWaitingInTheSecondStateItsWaitingEventAndItsTimer(String backend, Vertx vertx)
            throws Exception {
        start(vertx, backend);
        deploy(PAIR);
        post("""
                {"stream":"payments","card":"c1","amount":1,"ts":1000}
                {"watermark":1500}
                {"stream":"payments","card":"c1","amount":3,"ts":3000}
                """);

        JsonObject key = getJson("/v1/rules/pair/keys/c1");
        assertEquals("pair", key.getString("rule"));
        assertEquals(1, key.getInteger("version"));
        assertEquals("c1", key.getString("key"));
        assertEquals(2_999L, key.getLong("watermark"), "the source's latest event at 3000, minus one");
        assertEquals(1, key.getInteger("partialMatchCount"));
        assertFalse(key.getBoolean("partialMatchesTruncated"));
        JsonObject run = key.getJsonArray("partialMatches").getJsonObject(0);
        assertEquals("big", run.getString("stateName"));
        assertEquals(stateId("pair", "big"), run.getInteger("state"), "the id the automaton gives the state");
        assertFalse(run.getBoolean("completed"));
        assertEquals(1_000L, run.getLong("startedAt"));
        assertEquals(1_000L, run.getLong("lastEventAt"));
        assertEquals(11_000L, run.getLong("windowEndsAt"));
        assertEquals(new JsonObject("{\"small\":[{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1,\"ts\":1000}]}"),
                run.getJsonObject("events"));
        assertEquals(1, run.getInteger("eventCount"));
        assertEquals(1, key.getInteger("waitingCount"));
        assertEquals(3_000L, key.getJsonArray("waiting").getJsonObject(0).getLong("ts"));
        assertEquals(new JsonArray().add(11_000L), key.getJsonArray("timers"));
        assertTrue(key.getInteger("shard") >= 0 && key.getInteger("shard") < 3);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void aKeyHoldingNothingIsEmptyAndAnUnknownRuleIs404(String backend, Vertx vertx) throws Exception {
        startWithASmallPayment(vertx, backend);
        JsonObject nobody = getJson("/v1/rules/pair/keys/nobody");
        assertEquals("nobody", nobody.getString("key"));
        assertEquals(0, nobody.getInteger("partialMatchCount"));
        assertEquals(new JsonArray(), nobody.getJsonArray("partialMatches"));
        assertEquals(0, nobody.getInteger("waitingCount"));
        assertEquals(new JsonArray(), nobody.getJsonArray("timers"));

        HttpResponse<String> unknown = server.get("/v1/rules/absent/keys/c1");
        assertEquals(404, unknown.statusCode());
        assertEquals("absent", new JsonObject(unknown.body()).getString("name"));
        assertEquals(404, server.send("POST", "/v1/rules/absent/explain", "application/json",
                "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1,\"ts\":2000}").statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void aCompositeKeyIsWrittenAsItsJsonArrayAndTheGlobalKeyAsNull(String backend, Vertx vertx) throws Exception {
        start(vertx, backend);
        deploy("""
                RULE regional FROM payments PARTITION BY card, region
                  PATTERN small -> big
                  DEFINE small AS amount < 2, big AS amount >= 500;
                RULE everyone FROM payments
                  PATTERN small -> big
                  DEFINE small AS amount < 2, big AS amount >= 500
                """);
        post("""
                {"stream":"payments","card":"c1","region":"eu","amount":1,"ts":1000}
                {"stream":"payments","card":"c1","region":"us","amount":7,"ts":1100}
                {"watermark":1500}
                """);
        JsonObject eu = getJson("/v1/rules/regional/keys/" + encode("[\"c1\",\"eu\"]"));
        assertEquals(new JsonArray().add("c1").add("eu"), eu.getJsonArray("key"));
        assertEquals(1, eu.getInteger("partialMatchCount"));
        assertEquals(0, getJson("/v1/rules/regional/keys/" + encode("[\"c1\",\"us\"]"))
                .getInteger("partialMatchCount"));

        HttpResponse<String> notAnArray = server.get("/v1/rules/regional/keys/c1");
        assertEquals(400, notAnArray.statusCode());
        JsonObject problem = new JsonObject(notAnArray.body());
        assertEquals("key", problem.getString("parameter"));
        assertTrue(problem.getString("error").contains("partitioned by 2 fields: write its key as a JSON array"),
                problem.getString("error"));

        JsonObject global = getJson("/v1/rules/everyone/keys/null");
        assertNull(global.getValue("key"));
        assertEquals(1, global.getInteger("partialMatchCount"));
        assertEquals(400, server.get("/v1/rules/everyone/keys/c1").statusCode(), "its one key is null");
    }

    @Test
    void aKeyIsReadAsTheAlertFilterWritesIt(Vertx vertx) throws Exception {
        start(vertx, "heap");
        deploy(PAIR.replace("pair", "numbered").replace("PARTITION BY card", "PARTITION BY account"));
        post("""
                {"stream":"payments","account":42,"amount":1,"ts":1000}
                {"stream":"payments","account":"a/b c","amount":1,"ts":1001}
                {"stream":"payments","account":"7","amount":1,"ts":1002}
                {"watermark":1500}
                """);
        JsonObject number = getJson("/v1/rules/numbered/keys/42");
        assertEquals(42L, number.getLong("key"), "the number 42, as the events hold it");
        assertEquals(1, number.getInteger("partialMatchCount"));
        JsonObject text = getJson("/v1/rules/numbered/keys/" + encode("\"42\""));
        assertEquals("42", text.getValue("key"), "a JSON string is exactly that string");
        assertEquals(0, text.getInteger("partialMatchCount"));
        JsonObject seven = getJson("/v1/rules/numbered/keys/7");
        assertEquals("7", seven.getValue("key"), "no number 7 holds state, the text 7 does");
        assertEquals(1, seven.getInteger("partialMatchCount"));
        JsonObject slashed = getJson("/v1/rules/numbered/keys/" + encode("a/b c"));
        assertEquals("a/b c", slashed.getString("key"));
        assertEquals(1, slashed.getInteger("partialMatchCount"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void explainNamesTheFalseConditionOfEachTransitionWithTheValuesItSaw(String backend, Vertx vertx)
            throws Exception {
        startWithASmallPayment(vertx, backend);
        JsonObject explained = explain("pair", "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":600,\"ts\":2000}");
        assertEquals("c1", explained.getString("key"));
        assertFalse(explained.getBoolean("late"));
        assertEquals(1_500L, explained.getLong("watermark"));
        assertEquals(600L, explained.getJsonObject("event").getLong("amount"));
        assertEquals(2, explained.getInteger("runCount"));
        JsonArray runs = explained.getJsonArray("runs");
        JsonObject start = runs.getJsonObject(0);
        assertTrue(start.getBoolean("start"));
        assertEquals("small", start.getString("stateName"));
        JsonObject startTake = transition(start, "take");
        assertFalse(startTake.getBoolean("held"));
        assertEquals("(amount < 2)", startTake.getString("expression"));
        assertEquals(new JsonArray("[{\"expression\":\"amount\",\"value\":600}]"), startTake.getJsonArray("values"));

        JsonObject waiting = runs.getJsonObject(1);
        assertFalse(waiting.getBoolean("start"));
        assertEquals("big", waiting.getString("stateName"));
        assertEquals(1_000L, waiting.getLong("startedAt"));
        JsonObject take = transition(waiting, "take");
        assertEquals("big", take.getString("guard"));
        assertEquals("((amount >= 500) AND (amount > (1000 * LAST(small.amount))))", take.getString("condition"));
        assertFalse(take.getBoolean("held"));
        assertEquals("(amount > (1000 * LAST(small.amount)))", take.getString("expression"),
                "amount >= 500 held: the second conjunct is the one that was false");
        assertEquals(new JsonArray("[{\"expression\":\"amount\",\"value\":600},"
                + "{\"expression\":\"(1000 * LAST(small.amount))\",\"value\":1000},"
                + "{\"expression\":\"LAST(small.amount)\",\"value\":1}]"), take.getJsonArray("values"));
        assertTrue(transition(waiting, "ignore").getBoolean("held"), "the event would pass the run by");

        JsonObject late = explain("pair", "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":600,\"ts\":1200}");
        assertTrue(late.getBoolean("late"), "at or below the stream's watermark");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void explainChangesNothingTheNextRealEventMatchesAsWithoutIt(String backend, Vertx vertx) throws Exception {
        startWithASmallPayment(vertx, backend);
        String before = server.get("/v1/rules/pair/keys/c1").body();
        JsonObject countersBefore = getJson("/v1/rules/pair").getJsonObject("counters");
        for (String event : new String[] {
            "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":2000,\"ts\":2000}",   // would complete the match
            "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":\"lots\",\"ts\":2000}",   // an evaluation error
            "{\"stream\":\"payments\",\"card\":\"c2\",\"amount\":1,\"ts\":2000}"}) {     // would start a match
            explain("pair", event);
        }
        assertEquals(before, server.get("/v1/rules/pair/keys/c1").body(), "the key is as it was");
        assertEquals(0, getJson("/v1/rules/pair/keys/c2").getInteger("partialMatchCount"));
        assertEquals(countersBefore, getJson("/v1/rules/pair").getJsonObject("counters"), "nothing counted");
        assertEquals(new JsonArray(), new JsonArray(server.get("/v1/alerts").body()));

        post("""
                {"stream":"payments","card":"c1","amount":2000,"ts":2000}
                {"watermark":2500}
                """);
        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1));
        assertEquals("c1", alerts.getJsonObject(0).getString("key"));
        assertEquals(0, getJson("/v1/rules/pair/keys/c1").getInteger("partialMatchCount"));
    }

    @Test
    void anExplainBodyMustBeOneEventOfAStreamTheRuleReads(Vertx vertx) throws Exception {
        start(vertx, "heap");
        deploy(PAIR);
        assertExplainRefused("{\"stream\":\"payments\",", "the body is not an event: invalid JSON");
        assertExplainRefused("{\"watermark\":1000}", "the body is a watermark, not an event");
        assertExplainRefused("", "the body holds no event");
        assertExplainRefused("[{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1,\"ts\":1}]",
                "the body is not an event: expected a JSON object, got an array");
        assertExplainRefused("{\"stream\":\"refunds\",\"card\":\"c1\",\"amount\":1,\"ts\":1}",
                "rule pair reads payments, not stream 'refunds'");
        assertExplainRefused("{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1}", "the body is not an event: ");
        String large = "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1,\"ts\":1,\"note\":\""
                + "x".repeat(100_000) + "\"}";
        assertEquals("c1", explain("pair", large).getString("key"),
                "an event is no rule text: the rule text limit (64 KiB) does not apply, the body limit does");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void explainByKeyExplainsTheKeysNewestLoggedEventAndSaysWhatBecameOfIt(String backend, Vertx vertx)
            throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null).withShards(3).withDataDir(data);
        server = RunningServer.start(vertx, backend.equals("rocksdb")
                ? config.withStateBackend(ServerConfig.StateBackend.ROCKSDB) : config);
        deploy(PAIR);
        post("""
                {"stream":"payments","card":"c1","amount":1,"ts":1000}
                {"stream":"payments","card":"c2","amount":1,"ts":1100}
                {"stream":"payments","card":"c1","amount":600,"ts":2000}
                {"stream":"refunds","card":"c1","amount":5,"ts":2100}
                {"watermark":2500}
                {"stream":"payments","card":"c3","amount":1,"ts":5000}
                """);

        JsonObject c1 = explainKey("pair", "c1");
        assertEquals(600L, c1.getJsonObject("event").getLong("amount"), "the newest event of c1 the rule reads");
        assertEquals("passed", c1.getJsonObject("lastEvent").getString("status"), "the run let it by");
        assertTrue(c1.getJsonObject("lastEvent").getLong("position") > 0);
        assertEquals(3, c1.getJsonObject("lastEvent").getInteger("eventsRead"), "c3's, the refund's, then c1's");
        JsonObject take = transition(c1.getJsonArray("runs").getJsonObject(1), "take");
        assertFalse(take.getBoolean("held"));
        assertEquals("(amount > (1000 * LAST(small.amount)))", take.getString("expression"));

        assertEquals("bound", explainKey("pair", "c2").getJsonObject("lastEvent").getString("status"),
                "c2's small payment waits in its run");
        JsonObject c3 = explainKey("pair", "c3");
        assertEquals("waiting", c3.getJsonObject("lastEvent").getString("status"), "the watermark is below 5000");
        assertFalse(c3.getBoolean("late"));

        HttpResponse<String> nobody = server.send("POST", "/v1/rules/pair/explain?key=nobody", "application/json", "");
        assertEquals(404, nobody.statusCode(), nobody.body());
        assertEquals("key nobody has no event on payments in the ingest log (5 events read: all it holds); send the "
                + "event to explain as the body instead", new JsonObject(nobody.body()).getString("error"));
        HttpResponse<String> both = server.send("POST", "/v1/rules/pair/explain?key=c1", "application/json",
                "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1,\"ts\":2000}");
        assertEquals(400, both.statusCode(), both.body());
        assertTrue(new JsonObject(both.body()).getString("error").startsWith("explain takes an event in the body or "
                + "a key in ?key=, not both"), both.body());
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("vigil_explain_by_key_total{outcome=\"found\"} 3.0"), metrics);
        assertTrue(metrics.contains("vigil_explain_by_key_total{outcome=\"none\"} 1.0"), metrics);
    }

    @Test
    void explainByKeyReadsACompositeKeyAndNeedsALog(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withShards(2).withDataDir(data));
        deploy("""
                RULE regional FROM payments PARTITION BY card, region
                  PATTERN small -> big
                  DEFINE small AS amount < 2, big AS amount >= 500
                """);
        post("""
                {"stream":"payments","card":"c1","region":"eu","amount":1,"ts":1000}
                {"stream":"payments","card":"c1","region":"us","amount":7,"ts":1100}
                """);
        JsonObject eu = explainKey("regional", "[\"c1\",\"eu\"]");
        assertEquals(new JsonArray().add("c1").add("eu"), eu.getJsonArray("key"));
        assertEquals(1L, eu.getJsonObject("event").getLong("amount"));
        HttpResponse<String> flat = server.send("POST", "/v1/rules/regional/explain?key=c1", "application/json", "");
        assertEquals(400, flat.statusCode(), flat.body());
        assertEquals("key", new JsonObject(flat.body()).getString("parameter"));
        server.close();

        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null));
        deploy(PAIR);
        HttpResponse<String> noLog = server.send("POST", "/v1/rules/pair/explain?key=c1", "application/json", "");
        assertEquals(409, noLog.statusCode(), noLog.body());
        assertTrue(new JsonObject(noLog.body()).getString("error").startsWith("the server runs without a data folder"),
                noLog.body());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void theNfaCountsTheLivePartialMatchesPerStateOverEveryShard(String backend, Vertx vertx) throws Exception {
        start(vertx, backend);
        deploy(PAIR);
        StringBuilder events = new StringBuilder();
        for (int card = 0; card < 30; card++) {
            events.append("{\"stream\":\"payments\",\"card\":\"c").append(card)
                    .append("\",\"amount\":1,\"ts\":1000}\n");
        }
        post(events + "{\"watermark\":1500}\n");
        JsonObject nfa = getJson("/v1/rules/pair/nfa?counts=true");
        JsonArray states = nfa.getJsonArray("states");
        assertEquals(30L, states.getJsonObject(stateId("pair", "big")).getLong("partialMatches"));
        long total = 0;
        for (int i = 0; i < states.size(); i++) {
            total += states.getJsonObject(i).getLong("partialMatches");
        }
        assertEquals(30L, total, "every run waits for big");
        assertEquals(new JsonObject().put("partialMatches", 30L).put("keys", 30L), nfa.getJsonObject("census"));
        JsonObject plain = getJson("/v1/rules/pair/nfa");
        assertNull(plain.getJsonObject("census"), "counted only when asked");
        assertEquals("(amount < 2)", plain.getJsonArray("states").getJsonObject(nfa.getInteger("start"))
                .getJsonArray("edges").getJsonObject(0).getString("condition"));
        assertEquals(400, server.get("/v1/rules/pair/nfa?counts=yes").statusCode());
        assertEquals(400, server.get("/v1/rules/pair/nfa?format=dot&counts=true").statusCode());
    }

    private void assertExplainRefused(String body, String error) throws Exception {
        HttpResponse<String> refused = server.send("POST", "/v1/rules/pair/explain", "application/json", body);
        assertEquals(400, refused.statusCode(), body);
        String said = new JsonObject(refused.body()).getString("error");
        assertTrue(said.startsWith(error), said);
    }

    private static JsonObject transition(JsonObject run, String action) {
        JsonObject found = null;
        for (int i = 0; i < run.getJsonArray("transitions").size(); i++) {
            JsonObject transition = run.getJsonArray("transitions").getJsonObject(i);
            if (transition.getString("action").equals(action)) {
                assertNull(found, "one " + action + " edge: " + run.encode());
                found = transition;
            }
        }
        assertTrue(found != null, "a " + action + " edge: " + run.encode());
        return found;
    }

    private int stateId(String rule, String name) throws Exception {
        JsonArray states = getJson("/v1/rules/" + rule + "/nfa").getJsonArray("states");
        for (int i = 0; i < states.size(); i++) {
            if (states.getJsonObject(i).getString("name").equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no state " + name + " in " + states.encode());
    }

    /** A server running {@link #PAIR} whose key c1 took a small payment of 1 at 1000; the watermark is at 1500. */
    private void startWithASmallPayment(Vertx vertx, String backend) throws Exception {
        start(vertx, backend);
        deploy(PAIR);
        post("""
                {"stream":"payments","card":"c1","amount":1,"ts":1000}
                {"watermark":1500}
                """);
    }

    private void start(Vertx vertx, String backend) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null).withShards(3);
        if (backend.equals("rocksdb")) {
            config = config.withDataDir(data).withStateBackend(ServerConfig.StateBackend.ROCKSDB);
        }
        server = RunningServer.start(vertx, config);
    }

    private void deploy(String rules) throws Exception {
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", rules);
        assertEquals(201, deployed.statusCode(), deployed.body());
    }

    private void post(String ndjson) throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", ndjson);
        assertEquals(202, posted.statusCode(), posted.body());
    }

    private JsonObject explain(String rule, String event) throws Exception {
        HttpResponse<String> explained = server.send("POST", "/v1/rules/" + rule + "/explain", "application/json",
                event);
        assertEquals(200, explained.statusCode(), explained.body());
        return new JsonObject(explained.body());
    }

    private JsonObject explainKey(String rule, String key) throws Exception {
        HttpResponse<String> explained = server.send("POST", "/v1/rules/" + rule + "/explain?key=" + encode(key),
                null, null);
        assertEquals(200, explained.statusCode(), explained.body());
        return new JsonObject(explained.body());
    }

    private JsonObject getJson(String path) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return new JsonObject(response.body());
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

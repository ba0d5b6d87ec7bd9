package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.cli.CliRun;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run} and {@code vigil serve} compute event time with the same saturating arithmetic, so on the same
 * input at the ends of the accepted range they give the same alerts, ids included. (A delay reaching below the
 * range of {@code long} used to wrap around in the server's per-source watermark, making every later event late,
 * while {@code vigil run} matched them.)
 */
@ExtendWith(VertxExtension.class)
class RunAndServeAgreeTest {
    private static final String RULES = """
            STREAM payments (card STRING, amount DOUBLE, ts TIMESTAMP)
              WATERMARK DELAY %d MILLISECONDS;

            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
              ON TIMEOUT EMIT started = small.ts;
            """;
    /** Events at the start of the range, around 1970 (negative epoch milliseconds), at its end; the last watermark. */
    private static final String EVENTS = """
            {"stream":"payments","card":"first","amount":1,"ts":"0001-01-01T00:00:00Z"}
            {"stream":"payments","card":"first","amount":700,"ts":"0001-01-01T00:59:59.999Z"}
            {"stream":"payments","card":"c1","amount":1,"ts":"1969-12-31T23:59:59Z"}
            {"stream":"payments","card":"c1","amount":900,"ts":"1970-01-01T00:00:01Z"}
            {"stream":"payments","card":"last","amount":1,"ts":"9999-12-31T23:00:00Z"}
            {"stream":"payments","card":"last","amount":800,"ts":"9999-12-31T23:59:59.999Z"}
            {"watermark":"9999-12-31T23:59:59.999Z"}
            """;

    @TempDir
    Path dir;

    /** Everything waits for the last watermark, then matches: first, c1, last. */
    @Test
    void withADelayLongerThanAllTimeBothMatchTheSameEvents(Vertx vertx) throws Exception {
        assertSameAlerts(vertx, RULES.formatted(Long.MAX_VALUE), 3);
    }

    @Test
    void withoutADelayBothMatchTheSameEventsAtBothEndsOfTheRange(Vertx vertx) throws Exception {
        assertSameAlerts(vertx, RULES.formatted(0), 3);
    }

    private void assertSameAlerts(Vertx vertx, String rules, int expected) throws Exception {
        Path ruleFile = Files.writeString(dir.resolve("rules.cep"), rules);
        Path events = Files.writeString(dir.resolve("events.ndjson"), EVENTS);
        CliRun run = CliRun.of("run", "--rules", ruleFile.toString(), "--events", events.toString());
        assertEquals(0, run.exit(), run.err());
        List<JsonObject> offline = new ArrayList<>();
        for (String line : run.outLines()) {
            offline.add(new JsonObject(line));
        }
        assertEquals(expected, offline.size(), run.out() + run.err());

        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, dir).withShards(2))) {
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", EVENTS);
            assertEquals(202, posted.statusCode(), posted.body());
            assertEquals(0, new JsonObject(posted.body()).getInteger("late"), posted.body());
            String body = server.pollUntil("/v1/alerts?limit=1000", alerts -> new JsonArray(alerts).size() >= expected);
            List<JsonObject> served = new ArrayList<>();
            new JsonArray(body).forEach(alert -> served.add((JsonObject) alert));
            assertEquals(texts(offline), texts(served));
        }
    }

    private static TreeSet<String> texts(List<JsonObject> alerts) {
        TreeSet<String> texts = new TreeSet<>();
        alerts.forEach(alert -> texts.add(alert.encode()));
        return texts;
    }
}

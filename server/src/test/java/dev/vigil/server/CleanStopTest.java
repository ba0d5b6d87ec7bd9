package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.nfa.EventTime;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server right after events were accepted loses none of their alerts: the shards finish what they
 * hold, the alerts are pushed, and only then do the sinks close (a file sink writes every one).
 */
@ExtendWith(VertxExtension.class)
class CleanStopTest {
    private static final int EVENTS = 5_000;

    @TempDir
    Path data;

    @Test
    void everyAlertOfAcceptedEventsReachesTheFileSinkBeforeTheServerStops(Vertx vertx) throws Exception {
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data));
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", """
                RULE every FROM payments PARTITION BY card
                  PATTERN a
                  DEFINE a AS amount >= 0
                  EMIT n = a.n
                  TO file 'stop.ndjson'
                """);
        assertEquals(201, created.statusCode(), created.body());
        StringBuilder events = new StringBuilder();
        for (int n = 0; n < EVENTS; n++) {
            events.append("{\"stream\":\"payments\",\"card\":\"c").append(n % 50).append("\",\"amount\":1,\"n\":")
                    .append(n).append(",\"ts\":").append(1_000 + n).append("}\n");
        }
        events.append("{\"watermark\": ").append(EventTime.MAX_MS).append("}");
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", events.toString());
        assertEquals(202, posted.statusCode(), posted.body());
        server.close();   // at once: most alerts are still in the shards' queues or on their way

        List<String> lines = Files.readAllLines(data.resolve("sinks/stop.ndjson"));
        Set<Integer> numbers = new HashSet<>();
        for (String line : lines) {
            numbers.add(new JsonObject(line).getJsonObject("fields").getInteger("n"));
        }
        assertEquals(EVENTS, lines.size());
        assertEquals(EVENTS, numbers.size(), "each event's alert once");
    }
}

package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the default {@code vigil serve} does: every example of {@code rules-examples/} deployed together from the
 * rules folder, fed every example's events. The examples must not get in each other's way (a stream name declared
 * twice, differently, left one example unable to fire): each example's expected alerts all come, and nothing else.
 * Ids are left out of the comparison: they number events in the order the server received them, here all the
 * examples' events one after another.
 */
@ExtendWith(VertxExtension.class)
class AllExamplesTogetherTest {
    @Test
    void everyExampleGivesItsAlertsWhenAllRunInOneServer(Vertx vertx) throws Exception {
        Path examples = examplesRoot();
        List<Path> folders;
        try (Stream<Path> listed = Files.list(examples)) {
            folders = listed.filter(Files::isDirectory).sorted().toList();
        }
        StringBuilder events = new StringBuilder();
        List<String> expected = new ArrayList<>();
        int late = 0;
        for (Path folder : folders) {
            events.append(Files.readString(folder.resolve("events.ndjson")).stripTrailing()).append('\n');
            expected.addAll(withoutIds(Files.readAllLines(folder.resolve("expected-alerts.ndjson"))));
            late += lines(folder.resolve("expected-late.ndjson")).size();
        }
        events.append("{\"watermark\": ").append(EventTime.MAX_MS).append("}");
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, examples).withShards(2)
                .withWatermarkDelayMs(5_000)   // brute-force-login's undeclared stream, as its args file says
                .withSourceIdleTimeoutMs(600_000);   // no stream may turn idle and race ahead of the others

        try (RunningServer server = RunningServer.start(vertx, config)) {
            assertTrue(!server.serverErr().contains("skipped"), server.serverErr());
            assertEquals(folders.size(), new JsonArray(server.get("/v1/rules").body()).size(), "one rule each");
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                    events.toString());
            assertEquals(202, posted.statusCode(), posted.body());
            assertEquals(late, new JsonObject(posted.body()).getInteger("late"), posted.body());
            String body = server.pollUntil("/v1/alerts?limit=1000",
                    alerts -> new JsonArray(alerts).size() >= expected.size());
            List<String> actual = new ArrayList<>();
            for (Object alert : new JsonArray(body)) {
                actual.add(((JsonObject) alert).copy().put("id", "").encode());
            }
            assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
        }
    }

    private static List<String> withoutIds(List<String> alerts) {
        List<String> texts = new ArrayList<>();
        for (String alert : alerts) {
            if (!alert.isBlank()) {
                texts.add(new JsonObject(alert).put("id", "").encode());
            }
        }
        return texts;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList()
                : List.of();
    }

    private static Path examplesRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("rules-examples"))) {
                return dir.resolve("rules-examples");
            }
        }
        throw new IllegalStateException("no rules-examples folder above " + Path.of("").toAbsolutePath());
    }
}

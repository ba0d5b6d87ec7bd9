package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rules example served by a server with several shards gives exactly the alerts of {@code vigil run} (the
 * example's expected-alerts file), ids included: keys are split between shards, every shard sees the same event
 * time, and events are numbered in log order as {@code vigil run} numbers its lines. Alerts from different shards
 * interleave, so the comparison ignores order.
 */
class ShardedExamplesTest {
    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    /** Examples needing extra `vigil run` arguments (a default watermark delay) have no server equivalent yet. */
    static Stream<String> examples() throws IOException {
        try (Stream<Path> folders = Files.list(examplesRoot())) {
            return folders.filter(Files::isDirectory).filter(dir -> !Files.exists(dir.resolve("args")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void threeShardsProduceTheAlertsOfVigilRun(String name) throws Exception {
        Path example = examplesRoot().resolve(name);
        TreeSet<String> expected = new TreeSet<>();
        for (String line : Files.readAllLines(example.resolve("expected-alerts.ndjson"))) {
            if (!line.isBlank()) {
                expected.add(new JsonObject(line).encode());
            }
        }
        try (RunningServer server = RunningServer.start(vertx,
                ServerConfig.of("127.0.0.1", 0, example).withShards(3))) {
            String events = Files.readString(example.resolve("events.ndjson")).stripTrailing();
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", events);
            assertEquals(202, posted.statusCode(), posted.body());
            assertEquals(0, new JsonObject(posted.body()).getInteger("late"), posted.body());
            HttpResponse<String> end = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"watermark\": " + Long.MAX_VALUE + "}");
            assertEquals(202, end.statusCode(), end.body());
            String body = server.pollUntil("/v1/alerts?limit=1000",
                    alerts -> new JsonArray(alerts).size() >= expected.size());
            TreeSet<String> actual = new TreeSet<>();
            for (Object alert : new JsonArray(body)) {
                actual.add(((JsonObject) alert).encode());
            }
            assertEquals(expected, actual);
        }
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

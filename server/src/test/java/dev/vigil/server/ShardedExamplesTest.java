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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rules example served by a server with several shards gives exactly the alerts of {@code vigil run} (the
 * example's expected-alerts file), ids included: keys are split between shards, every shard sees the same event
 * time, and events are numbered in log order as {@code vigil run} numbers its lines (where the input has a
 * malformed line, which takes a line number but no event number, only the ids differ). Alerts from different
 * shards interleave, so the comparison ignores order.
 */
@ExtendWith(VertxExtension.class)
class ShardedExamplesTest {

    static Stream<String> examples() throws IOException {
        try (Stream<Path> folders = Files.list(examplesRoot())) {
            return folders.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList()
                    .stream();
        }
    }

    /**
     * The server setting for an example's extra `vigil run` arguments: the only one used is a default watermark
     * delay ({@code --watermark-delay 5s}), which is {@code watermarkDelayMs} for the server.
     */
    private static ServerConfig configFor(Path example) throws IOException {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, example).withShards(3);
        Path args = example.resolve("args");
        if (!Files.exists(args)) {
            return config;
        }
        for (String line : Files.readAllLines(args)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher delay = Pattern.compile("--watermark-delay (\\d+)s").matcher(line.trim());
            assertTrue(delay.matches(), "no server equivalent known for the argument " + line);
            config = config.withWatermarkDelayMs(Long.parseLong(delay.group(1)) * 1_000);
        }
        return config;
    }

    /** The alerts as sorted JSON text, with or without their ids. */
    private static TreeSet<String> canonical(List<JsonObject> alerts, boolean withIds) {
        TreeSet<String> texts = new TreeSet<>();
        for (JsonObject alert : alerts) {
            JsonObject copy = alert.copy();
            if (!withIds) {
                copy.remove("id");
            }
            texts.add(copy.encode());
        }
        return texts;
    }

    private static int lineCount(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return (int) Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void threeShardsProduceTheAlertsOfVigilRun(String name, Vertx vertx) throws Exception {
        Path example = examplesRoot().resolve(name);
        List<JsonObject> expected = new ArrayList<>();
        for (String line : Files.readAllLines(example.resolve("expected-alerts.ndjson"))) {
            if (!line.isBlank()) {
                expected.add(new JsonObject(line));
            }
        }
        try (RunningServer server = RunningServer.start(vertx, configFor(example))) {
            String events = Files.readString(example.resolve("events.ndjson")).stripTrailing();
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", events);
            assertEquals(202, posted.statusCode(), posted.body());
            assertEquals(lineCount(example.resolve("expected-late.ndjson")),
                    new JsonObject(posted.body()).getInteger("late"), posted.body());
            HttpResponse<String> end = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"watermark\": " + EventTime.MAX_MS + "}");
            assertEquals(202, end.statusCode(), end.body());
            String body = server.pollUntil("/v1/alerts?limit=1000",
                    alerts -> new JsonArray(alerts).size() >= expected.size());
            List<JsonObject> actual = new ArrayList<>();
            for (Object alert : new JsonArray(body)) {
                actual.add((JsonObject) alert);
            }
            // vigil run numbers input lines, the server accepted events: the same when no line is malformed
            boolean sameNumbering = new JsonObject(posted.body()).getJsonArray("errors").isEmpty();
            assertEquals(canonical(expected, sameNumbering), canonical(actual, sameNumbering));
            if (!sameNumbering) {
                assertEquals(expected.size(), canonical(actual, true).size(), "ids stay distinct");
            }
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

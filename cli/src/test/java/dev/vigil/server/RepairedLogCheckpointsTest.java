package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Vigil;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.ChronicleIngestLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil repair-log} on a data folder with checkpoints and savepoints on both sides of the damage: those taken
 * after the last kept record are moved aside and reported (a recovery from one would skip the records written
 * after the repair, which take the dropped positions), the server starts from the newest checkpoint left, and every
 * event acknowledged before the damage, or after the repair, has its alert exactly once, across a restart.
 */
@ExtendWith(VertxExtension.class)
class RepairedLogCheckpointsTest {
    private static final String PAIR = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;
    private static final String MARKER = "damage-here";

    @TempDir
    Path data;

    @Test
    void checkpointsAfterTheDamageAreSetAsideAndNoAcknowledgedEventIsLost(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", PAIR).statusCode());
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"stream":"payments","card":"c2","amount":1,"ts":1100}
                    {"watermark":1500}
                    """);
            checkpoint(server);                                       // checkpoint 1, before the damage: kept
            post(server, """
                    {"stream":"payments","card":"c1","amount":600,"ts":2000}
                    {"watermark":2500}
                    """);
            savepoint(server, "kept");                                // at the last record kept: kept
            post(server, """
                    {"tag":"%s","stream":"payments","card":"c3","amount":1,"ts":3000}
                    {"stream":"payments","card":"c2","amount":600,"ts":3100}
                    {"watermark":3200}
                    """.formatted(MARKER));                            // the damaged record (c2 matched)
            post(server, """
                    {"stream":"payments","card":"c6","amount":1,"ts":3300}
                    {"watermark":3500}
                    """);                                            // a readable record after it, dropped too
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 2);
            savepoint(server, "lost");                                // after the damage: set aside
            checkpoint(server);                                       // checkpoint 4, after the damage: set aside
        }
        damageRecordWith(MARKER);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("repair-log", "--data", data.toString()), err.toString());
        String said = out.toString();
        assertTrue(said.contains("kept 3 records of ") && said.contains("and the 1 readable record(s) after it"),
                said);
        Path aside = onlyFolder("checkpoints.after-damage-");
        assertTrue(said.contains("moved " + Path.of("checkpoints", "checkpoint-00000000000000000004.vcp")
                + " (log position "), said);
        assertTrue(said.contains("moved " + Path.of("savepoints", "lost.vsp") + " (log position "), said);
        assertTrue(said.contains(") to " + aside + ": it was taken after the last kept record (log position "), said);
        assertTrue(said.contains("a recovery from it would skip them"), said);
        assertTrue(said.contains("the server will start from checkpoint 1 (log position "), said);
        assertEquals(List.of("checkpoint-00000000000000000004.vcp", "lost.vsp"), names(aside), "moved, not deleted");
        assertEquals(List.of("checkpoint-00000000000000000001.vcp"), names(data.resolve("checkpoints")));
        assertEquals(List.of("kept.vsp"), names(data.resolve("savepoints")));

        try (RunningServer server = start(vertx)) {
            assertTrue(server.serverErr().contains("recovered checkpoint 1 ("), server.serverErr());
            assertTrue(server.serverErr().contains("recovery: the ingest log was repaired at position "),
                    server.serverErr());
            // c2's big payment was in the dropped record: c2's small one waits again; the same card pays big again,
            // as the dropped event's alert is logged, the new alert must have an id of its own
            post(server, """
                    {"stream":"payments","card":"c5","amount":1,"ts":4000}
                    {"stream":"payments","card":"c2","amount":900,"ts":4100}
                    {"stream":"payments","card":"c4","amount":1,"ts":4200}
                    {"watermark":4500}
                    """);
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 3);
        }

        try (RunningServer server = start(vertx)) {
            assertTrue(server.serverErr().contains("recovered checkpoint 1 ("), server.serverErr());
            post(server, """
                    {"stream":"payments","card":"c4","amount":700,"ts":5000}
                    {"stream":"payments","card":"c5","amount":800,"ts":5100}
                    {"watermark":5500}
                    """);
            JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() >= 5));
            assertEquals(List.of("c1 601.0", "c2 601.0", "c2 901.0", "c4 701.0", "c5 801.0"), describe(alerts),
                    "every acknowledged event's alert once: those before the damage (c2's first one too, logged "
                            + "before the damage), and those after the repair: " + alerts.encode());
            Set<String> ids = new HashSet<>();
            for (Object alert : alerts) {
                assertTrue(ids.add(((JsonObject) alert).getString("id")), "no alert twice: " + alerts.encode());
            }
        }
    }

    private RunningServer start(Vertx vertx) throws Exception {
        return RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data).withShards(2)
                .withCheckpointIntervalMs(0));
    }

    private static void post(RunningServer server, String ndjson) throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", ndjson);
        assertEquals(202, posted.statusCode(), posted.body());
    }

    private static void checkpoint(RunningServer server) throws Exception {
        server.checkpointer().checkpointNow().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void savepoint(RunningServer server, String name) throws Exception {
        HttpResponse<String> created = server.send("POST", "/v1/savepoints", "application/json",
                "{\"name\":\"" + name + "\"}");
        assertEquals(201, created.statusCode(), created.body());
    }

    /** Breaks the JSON of the logged event that carries {@code marker}, so its record cannot be read. */
    private void damageRecordWith(String marker) throws Exception {
        byte[] bytes = marker.getBytes(StandardCharsets.UTF_8);
        int damaged = 0;
        try (Stream<Path> files = Files.list(data.resolve(ChronicleIngestLog.FOLDER))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".cq4"))::iterator) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer head = ByteBuffer.allocate(1 << 20);
                    channel.read(head, 0);
                    int at = DamagedLogTailTest.indexOf(head.array(), bytes);
                    if (at > 0) {
                        channel.write(ByteBuffer.wrap("XXXXXXXX".getBytes(StandardCharsets.US_ASCII)), at - 3);
                        damaged++;
                    }
                }
            }
        }
        assertEquals(1, damaged, "one logged record carries the marker");
    }

    private Path onlyFolder(String prefix) throws Exception {
        try (Stream<Path> folders = Files.list(data)) {
            List<Path> found = folders.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, found.size(), "one " + prefix + "* folder: " + found);
            return found.get(0);
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** Each alert as its key and total, sorted. */
    private static List<String> describe(JsonArray alerts) {
        List<String> described = new ArrayList<>();
        for (Object alert : alerts) {
            JsonObject json = (JsonObject) alert;
            described.add(json.getString("key") + " " + json.getJsonObject("fields").getDouble("total"));
        }
        described.sort(null);
        return described;
    }
}

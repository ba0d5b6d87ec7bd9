package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default key bound follows the state backend: a server with a 256 MiB heap ({@link ServerProcess}'s) bounds the
 * keys holding partial matches at half its heap at 2 KiB a key on the heap backend (about 63,000), but at 128 B a
 * key with {@code --state-backend rocksdb} (about a million), what such a key leaves on the heap. So 80,000 keys
 * each holding a partial match are all kept on rocksdb, while the heap backend evicts past its default.
 */
class RocksDbKeyBoundDefaultTest {
    private static final int KEYS = 80_000;
    private static final int PER_BATCH = 2_000;
    private static final String RULES = """
            STREAM held (key STRING, kind STRING, ts TIMESTAMP);

            RULE held_ab
              FROM held
              PARTITION BY key
              PATTERN a -> b
              WITHIN 1 DAY
              DEFINE a AS kind = 'a', b AS kind = 'b';
            """;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRocksDbServerWithASmallHeapHoldsMoreKeysThanTheHeapDefaultAllows() throws Exception {
        JsonObject rocksdb = holdKeys("rocksdb", List.of("--state-backend", "rocksdb"));
        assertEquals(0L, rocksdb.getLong("evictedKeys"), rocksdb.encode());
        assertEquals((long) KEYS, rocksdb.getLong("partialMatches"), rocksdb.encode());

        JsonObject heap = holdKeys("heap", List.of());
        assertTrue(heap.getLong("evictedKeys") > 0, "the heap default bounds fewer keys: " + heap.encode());
        assertTrue(heap.getLong("partialMatches") < KEYS, heap.encode());
    }

    /** Starts a server with {@code serveArgs}, sends an {@code a} of each of {@link #KEYS} keys, returns the counters. */
    private JsonObject holdKeys(String name, List<String> serveArgs) throws Exception {
        Path folder = Files.createDirectories(temp.resolve(name));
        Path rules = Files.createDirectories(folder.resolve("rules"));
        try (ServerProcess server = ServerProcess.start(name, folder, rules, folder.resolve("data"), List.of(),
                serveArgs)) {
            server.deployAgain(RULES);
            for (int from = 0; from < KEYS; from += PER_BATCH) {
                StringBuilder body = new StringBuilder();
                for (int key = from; key < from + PER_BATCH; key++) {
                    body.append("{\"stream\":\"held\",\"key\":\"k").append(key).append("\",\"kind\":\"a\",\"ts\":")
                            .append(1_000_000L + key).append("}\n");
                }
                post(server, body.toString());
            }
            // an event an hour later moves the watermark past every "a": each then holds its key's partial match
            post(server, "{\"stream\":\"held\",\"key\":\"late\",\"kind\":\"x\",\"ts\":"
                    + (1_000_000L + KEYS + 3_600_000L) + "}\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                JsonObject counters = counters(server);
                if (counters.getLong("eventsIn") == KEYS + 1
                        && counters.getLong("partialMatches") + counters.getLong("evictedKeys") >= KEYS
                        || System.nanoTime() > deadline) {
                    return counters;
                }
                ServerProcess.pause(50);
            }
        } catch (Exception | AssertionError failure) {
            System.out.print(Files.exists(folder.resolve(name + ".err")) ? Files.readString(folder.resolve(name
                    + ".err")) : "");
            throw failure;
        }
    }

    private static void post(ServerProcess server, String body) throws Exception {
        long deadline = System.nanoTime() + ServerProcess.TIMEOUT.toNanos();
        while (true) {
            HttpResponse<String> response = server.send("POST", "/v1/events?source=held", "application/x-ndjson",
                    body);
            if (response.statusCode() == 202) {
                return;
            }
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                throw new IllegalStateException("a batch was answered " + response.statusCode() + ": "
                        + response.body());
            }
            ServerProcess.pause(10);
        }
    }

    private static JsonObject counters(ServerProcess server) throws Exception {
        JsonArray rules = new JsonArray(server.get("/v1/rules").body());
        return rules.getJsonObject(0).getJsonObject("counters");
    }
}

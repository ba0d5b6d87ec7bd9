package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.server.config.FatalErrors;
import dev.vigil.server.sequencer.MemoryGuard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of distinct keys against {@code vigil serve} in a JVM of its own with a small heap, over loopback: with
 * the bound on keys out of the way, the memory-pressure pause refuses batches before the heap runs out; with the
 * pause off too, the heap does run out and the process exits by itself with status 3 (no
 * {@code -XX:+ExitOnOutOfMemoryError}: the server's own handlers end it) instead of staying up answering nothing.
 *
 * <p>Each test is bounded: the flood stops at a deadline, the child is killed if it outlives it, and the test then
 * fails with the child's output (both usually take seconds; the limits leave room for a loaded machine).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OutOfMemoryTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long FLOOD_NANOS = TimeUnit.MINUTES.toNanos(3);
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
            """;
    private static final String UNBOUNDED = "" + Integer.MAX_VALUE;

    @TempDir
    Path folder;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private long nextCard;

    @Test
    void aServerOutOfHeapExitsWithStatusThreeInsteadOfHanging() throws Exception {
        Child child = start("-Xmx64m", "--max-keys", UNBOUNDED, "--max-keys-per-rule", UNBOUNDED,
                "--heap-pause-percent", "0");
        try {
            long deadline = System.nanoTime() + FLOOD_NANOS;
            while (child.process.isAlive() && System.nanoTime() < deadline) {
                try {
                    post(child, 2_000);   // as fast as the server takes them; a busy answer is simply sent again
                } catch (IOException refusedOrReset) {
                    break;   // the server is going away
                }
            }
            if (!child.process.waitFor(60, TimeUnit.SECONDS)) {
                fail("the server did not exit within a minute of running out of memory\n" + child.logs());
            }
            assertEquals(FatalErrors.EXIT_OUT_OF_MEMORY, child.process.exitValue(), child.logs());
            assertTrue(child.stderr().contains("vigil serve: out of memory: exiting with status 3 so that a supervisor "
                    + "restarts the server; recovery replays the ingest log"), child.logs());
        } finally {
            child.process.destroyForcibly();
        }
    }

    @Test
    void theMemoryPauseRefusesBatchesBeforeTheHeapRunsOut() throws Exception {
        Child child = start("-Xmx96m", "--max-keys", UNBOUNDED, "--max-keys-per-rule", UNBOUNDED,
                "--heap-pause-percent", "60", "--heap-resume-percent", "50");
        try {
            long deadline = System.nanoTime() + FLOOD_NANOS;
            HttpResponse<String> refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                // a few keys at a time, each batch matched before the next: the queues hold little, so the state
                // is what fills the heap
                HttpResponse<String> answer = post(child, 500);
                if (answer.statusCode() == 503 && answer.body().contains("\"error\":\"memory: ")) {
                    refused = answer;
                } else {
                    awaitMatched(child, deadline);
                }
            }
            if (refused == null) {
                fail("no batch was refused for memory before the deadline\n" + child.logs());
            }
            assertEquals("" + MemoryGuard.RETRY_AFTER_SECONDS, refused.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> ready = get(child, "/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(new JsonObject(ready.body()).getString("reason").startsWith("memory: the heap is "), ready.body());
            assertEquals(200, get(child, "/health").statusCode());
            assertTrue(get(child, "/metrics").body().contains("\nvigil_memory_paused 1.0"), child.logs());
            assertTrue(child.process.isAlive(), child.logs());
            assertTrue(child.stderr().contains("ingestion is paused until it is below 50%"), child.logs());
        } finally {
            child.process.destroyForcibly();
            child.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Posts {@code keys} events, each for a card not seen before, all beginning a partial match; the cards count as
     * sent once the server took them (202).
     */
    private HttpResponse<String> post(Child child, int keys) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder(keys * 64);
        for (long card = nextCard; card < nextCard + keys; card++) {
            body.append("{\"stream\":\"payments\",\"card\":\"card-").append(card).append("\",\"amount\":1,\"ts\":")
                    .append(1_000 + card).append("}\n");
        }
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(child.uri("/v1/events"))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 202) {
            nextCard += keys;
        }
        return answer;
    }

    /** Waits until the rule's shard has taken every event the server accepted. */
    private void awaitMatched(Child child, long deadline) throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            HttpResponse<String> rule = get(child, "/v1/rules/small_then_big");
            if (rule.statusCode() == 200
                    && new JsonObject(rule.body()).getJsonObject("counters").getLong("eventsIn") >= nextCard) {
                return;
            }
            Thread.sleep(20);   // another process: no clock to step, so a short poll
        }
    }

    private HttpResponse<String> get(Child child, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(child.uri(path)).timeout(REQUEST_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Starts {@code vigil serve} with {@code heap} and {@code settings}, one shard, the rule deployed, no checkpoints. */
    private Child start(String heap, String... settings) throws IOException, InterruptedException {
        Path rules = Files.createDirectories(folder.resolve("rules"));
        Files.writeString(rules.resolve("rule.cep"), RULE, StandardCharsets.UTF_8);
        Path tmp = Files.createDirectories(folder.resolve("tmp"));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ChildJvm.chronicleFlags());
        command.addAll(List.of(heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + tmp, "-Dvertx.cacheDirBase=" + tmp.resolve("vertx-cache"),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Vigil",
                "serve", "--host", "127.0.0.1", "--port", "0", "--rules", rules.toString(),
                "--data", folder.resolve("data").toString(), "--shards", "1", "--checkpoint-interval", "0"));
        command.addAll(List.of(settings));
        Path out = folder.resolve("server.out");
        Path err = folder.resolve("server.err");
        Process process = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        Child child = new Child(process, out, err);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher listening = LISTENING.matcher(Files.readString(err, StandardCharsets.UTF_8));
            if (listening.find()) {
                child.port = Integer.parseInt(listening.group(1));
                return child;
            }
            if (!process.isAlive()) {
                fail("the server exited before listening\n" + child.logs());
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        return fail("the server did not listen within a minute\n" + child.logs());
    }

    /** The child JVM, its port and its output files. */
    private static final class Child {
        final Process process;
        final Path out;
        final Path err;
        int port;

        Child(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        String logs() throws IOException {
            return "--- stdout\n" + Files.readString(out, StandardCharsets.UTF_8) + "--- stderr\n" + stderr();
        }
    }
}

package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.CliRun;
import dev.vigil.loadgen.BenchRule;
import dev.vigil.loadgen.KeySequence;
import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil bench} against a real server: every event it sends is acknowledged, every alert its data implies
 * arrives and is timed, its rule is gone afterwards, and the ways a run cannot start are clear exit statuses.
 */
@ExtendWith(VertxExtension.class)
class BenchTest {
    @Test
    void everyEventIsAcknowledgedAndEveryAlertTheGeneratedDataImpliesArrives(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            CliRun run = bench("--url", "http://127.0.0.1:" + server.port(), "--events", "4000", "--warmup", "0",
                    "--batch", "50", "--keys", "200", "--connections", "2", "--seed", "7", "--json");
            assertEquals(0, run.exit(), run.err());
            JsonObject result = new JsonObject(run.out());
            long expected = bAlerts(200, 2, 7, 2_000);
            assertTrue(expected > 100, "the data holds matches: " + expected);
            assertEquals(4_000, result.getLong("eventsSent"));
            assertEquals(4_000, result.getLong("eventsAcknowledged"));
            assertEquals(0, result.getLong("elementsRefused"));
            assertEquals(4_000, result.getLong("measuredEvents"), "no warm-up: every event is measured");
            assertEquals(expected, result.getLong("alertsExpected"));
            assertEquals(expected, result.getLong("alertsReceived"));
            assertEquals(expected, result.getJsonObject("latencyMs").getLong("count"), "every alert is timed");
            assertTrue(result.getBoolean("complete"), run.out());
            assertTrue(server.get("/metrics").body().contains(
                    "vigil_alerts_total{kind=\"match\",rule=\"bench_seq\"} " + expected + ".0"),
                    "the server counted the same alerts");
            assertEquals(404, server.get("/v1/rules/" + BenchRule.NAME).statusCode(), "the bench rule is deleted");
        }
    }

    @Test
    void atAFixedRateTheRunFollowsTheScheduleAndTimesEveryAlert(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            CliRun run = bench("--url", "http://127.0.0.1:" + server.port(), "--events", "3000", "--rate", "20000",
                    "--warmup", "0", "--batch", "10", "--keys", "100", "--seed", "3");
            assertEquals(0, run.exit(), run.err());
            long expected = bAlerts(100, 1, 3, 3_000);
            assertTrue(run.out().contains("alerts      expected " + String.format("%,d", expected) + "  received "
                    + String.format("%,d", expected) + "\n"), run.out());
            assertTrue(run.out().contains("(" + String.format("%,d", expected) + " alerts; frame sent to alert"),
                    run.out());
            double seconds = Double.parseDouble(run.out().replaceAll("(?s).*acknowledged in ([0-9.]+) s.*", "$1"));
            assertTrue(seconds >= 0.14, "3000 events at 20,000/s take at least 0.15 s, took " + seconds);
        }
    }

    @Test
    void noServerAtTheUrlIsExitStatus3WithoutAStackTrace() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun run = bench("--url", "http://127.0.0.1:" + port, "--events", "10");
        assertEquals(3, run.exit());
        assertEquals("vigil bench: POST /v1/rules at http://127.0.0.1:" + port
                + ": nothing answers there; is vigil serve running?\n", run.err());
    }

    @Test
    void aServerWithTokensRefusesARunWithoutOneWithExitStatus4(Vertx vertx) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(AccessToken.parse("admin:s3cret")));
        VigilServer server = start(vertx, config);
        try {
            CliRun refused = bench("--url", "http://127.0.0.1:" + server.port(), "--events", "10");
            assertEquals(4, refused.exit());
            assertTrue(refused.err().startsWith("vigil bench: POST /v1/rules answered 401: authentication required"),
                    refused.err());
            assertTrue(refused.err().endsWith("(no token given: pass --token or set VIGIL_TOKEN)\n"), refused.err());

            CliRun admitted = bench("--url", "http://127.0.0.1:" + server.port(), "--token", "s3cret", "--events",
                    "200", "--warmup", "0", "--keys", "20");
            assertEquals(0, admitted.exit(), admitted.err() + admitted.out());
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTokenComesFromVigilTokenAndTheOldVariableStillWorksWithADeprecationLine(Vertx vertx) throws Exception {
        VigilServer server = start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(AccessToken.parse("admin:s3cret"))));
        try {
            String url = "http://127.0.0.1:" + server.port();
            // one after the other: two runs at once would deploy and delete the same bench rule
            Process current = child(Map.of("VIGIL_TOKEN", "s3cret"), "--url", url, "--events", "200", "--warmup",
                    "0", "--keys", "20");
            assertTrue(current.waitFor(120, TimeUnit.SECONDS));
            Process old = child(Map.of("VIGIL_BENCH_TOKEN", "s3cret"), "--url", url, "--events", "200", "--warmup",
                    "0", "--keys", "20");
            assertTrue(old.waitFor(120, TimeUnit.SECONDS));
            String currentErr = new String(current.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String oldErr = new String(old.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, current.exitValue(), currentErr);
            assertFalse(currentErr.contains("deprecated"), currentErr);
            assertEquals(0, old.exitValue(), oldErr);
            assertTrue(oldErr.startsWith("vigil bench: VIGIL_BENCH_TOKEN is deprecated: set VIGIL_TOKEN instead"),
                    oldErr);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSelfSignedServerIsBenchedWithCacertOrInsecureAndOtherwiseTheErrorSaysHow(Vertx vertx,
            @TempDir Path dir) throws Exception {
        Path cert = resource(dir, "server-cert.pem");
        VigilServer server = start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withTls(new ServerConfig.Tls(cert, resource(dir, "server-key.pem"))));
        try {
            String url = "https://127.0.0.1:" + server.port();
            CliRun untrusted = bench("--url", url, "--events", "10");
            assertEquals(3, untrusted.exit(), untrusted.err());
            assertTrue(untrusted.err().contains("trust it with --cacert FILE"), untrusted.err());
            assertEquals(1, untrusted.err().lines().count(), "one line, no stack trace: " + untrusted.err());

            CliRun trusted = bench("--url", url, "--cacert", cert.toString(), "--events", "200", "--warmup", "0",
                    "--keys", "20");
            assertEquals(0, trusted.exit(), trusted.err() + trusted.out());
            CliRun insecure = bench("--url", url, "--insecure", "--events", "200", "--warmup", "0", "--keys", "20");
            assertEquals(0, insecure.exit(), insecure.err() + insecure.out());
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusedBenchRuleIsExitStatus5WithTheServersReason(Vertx vertx) throws Exception {
        VigilServer server = start(vertx, ServerConfig.of("127.0.0.1", 0, null).withMaxRules(1));
        try {
            HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/rules"))
                    .POST(HttpRequest.BodyPublishers.ofString("RULE other FROM p PATTERN a DEFINE a AS x > 1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, other.statusCode(), other.body());
            CliRun run = bench("--url", "http://127.0.0.1:" + server.port(), "--events", "10");
            assertEquals(5, run.exit());
            assertTrue(run.err().startsWith("vigil bench: POST /v1/rules refused the bench rule (422): "), run.err());
            assertFalse(run.err().contains("Exception"), run.err());
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, bench("--keys", "1", "--connections", "2").exit());
        assertEquals(2, bench("--batch", "0").exit());
        assertEquals(2, bench("--url", "ftp://127.0.0.1:8080").exit());
        assertEquals(2, bench("--duration", "soon").exit());
    }

    /** Matches the generated data must produce: the {@code b} events of the first {@code perConnection} events. */
    private static long bAlerts(int keys, int connections, long seed, int perConnection) {
        long alerts = 0;
        for (KeySequence sequence : KeySequence.forConnections(keys, connections, seed)) {
            for (int i = 0; i < perConnection; i++) {
                sequence.next();
                alerts += sequence.type() == 'b' ? 1 : 0;
            }
        }
        return alerts;
    }

    private static CliRun bench(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "bench";
        System.arraycopy(options, 0, args, 1, options.length);
        return CliRun.of(args);
    }

    /** {@code vigil bench} in a JVM of its own, with exactly the token variables {@code env} sets. */
    private static Process child(Map<String, String> env, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                "dev.vigil.cli.Vigil", "bench"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("VIGIL_TOKEN");
        builder.environment().remove("VIGIL_BENCH_TOKEN");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The server module's test certificate or key, copied out: inside its test jar it has no path. */
    private static Path resource(Path dir, String name) throws IOException {
        Path copy = dir.resolve(name);
        try (InputStream in = BenchTest.class.getResourceAsStream("/tls/" + name)) {
            Files.copy(in, copy);
        }
        return copy;
    }

    private static VigilServer start(Vertx vertx, ServerConfig config) throws Exception {
        return VigilServer.start(vertx, config)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

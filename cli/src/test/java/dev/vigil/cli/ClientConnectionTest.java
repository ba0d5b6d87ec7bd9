package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil send} and {@code vigil watch} when the connection is not a plain, healthy one: a server that dies
 * (send stops at once and says where to go on from; watch connects again and prints nothing twice), a server with
 * a self-signed certificate ({@code --cacert}, {@code --insecure}), and a token from {@code VIGIL_TOKEN}.
 */
class ClientConnectionTest {
    private static final String RULE = "RULE every FROM s PARTITION BY k PATTERN a DEFINE a AS TRUE;\n";
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void sendStopsAsSoonAsTheConnectionDropsAndSaysTheLastLineTheServerAnswered() throws Exception {
        // a server that answers two messages, then dies with the third: its connection drops, no close frame
        AtomicInteger messages = new AtomicInteger();
        HttpServer dying = vertx.createHttpServer().requestHandler(request -> {
            HttpConnection connection = request.connection();
            request.toWebSocket().onSuccess(socket -> socket.textMessageHandler(text -> {
                if (messages.incrementAndGet() <= 2) {
                    socket.writeTextMessage("{\"accepted\": 2, \"late\": 0, \"refused\": 0, \"errors\": []}");
                } else {
                    connection.close();
                }
            }));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path events = Files.writeString(dir.resolve("e.ndjson"), "{\"stream\":\"s\",\"ts\":1,\"k\":\"x\"}\n".repeat(7));

        CliRun sent = CliRun.of("send", "--url", "http://127.0.0.1:" + dying.actualPort(), "--batch", "2",
                events.toString());
        assertEquals(1, sent.exit(), sent.err());
        assertTrue(sent.err().startsWith("vigil send: "), sent.err());
        // the batches are named (after the file): sending the file again is safe, lines 5-6 included, which the
        // server may have taken before the connection dropped
        assertTrue(sent.err().contains(" for lines 5-6; the server answered lines 1-4 (the last is line 4): send the "
                + "same input again, with --resume to skip what the server took (it takes no batch twice)\n"),
                sent.err());
    }

    @Test
    void watchConnectsAgainAfterARestartAndPrintsEveryAlertOnce() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("every.cep"), RULE);
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, rules).withDataDir(dir.resolve("data")).withShards(1);
        VigilServer first = start(config);
        int port = first.port();
        String url = "http://127.0.0.1:" + port;

        StringWriter out = new StringWriter();   // read while the watch runs: a StringBuffer inside
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(() -> {
            CommandLine cli = Vigil.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return cli.execute("watch", "--url", url, "--count", "2");
        });
        await(err, text -> text.contains("vigil watch: subscribed to ws://127.0.0.1:" + port + "/v1/alerts;"));
        assertEquals(0, send(url, "{\"stream\":\"s\",\"ts\":1000,\"k\":\"a\"}\n{\"watermark\":2000}\n").exit());
        await(out, text -> text.lines().count() == 1);

        first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await(err, text -> text.contains("; connecting again in "));
        VigilServer second = start(ServerConfig.of("127.0.0.1", port, rules).withDataDir(dir.resolve("data"))
                .withShards(1));
        try {
            String firstId = new JsonObject(out.toString().strip()).getString("id");
            await(err, text -> text.contains(" (after alert " + firstId + "); waiting for alerts"));
            assertEquals(0, send(url, "{\"stream\":\"s\",\"ts\":3000,\"k\":\"b\"}\n{\"watermark\":4000}\n").exit());
            assertEquals(0, watching.get(30, TimeUnit.SECONDS), err.toString());
        } finally {
            second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        List<String> keys = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            keys.add(new JsonObject(line).getString("key"));
        }
        assertEquals(List.of("a", "b"), keys, "each alert once, in order: " + out);
    }

    @Test
    void aSelfSignedServerIsTrustedWithCacertOrInsecureAndOtherwiseTheErrorSaysHow() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("every.cep"), RULE);
        Path cert = resource("server-cert.pem");
        VigilServer server = start(ServerConfig.of("127.0.0.1", 0, rules)
                .withTls(new ServerConfig.Tls(cert, resource("server-key.pem"))));
        try {
            String url = "https://127.0.0.1:" + server.port();
            Path events = Files.writeString(dir.resolve("e.ndjson"),
                    "{\"stream\":\"s\",\"ts\":1000,\"k\":\"a\"}\n{\"watermark\":2000}\n");

            CliRun untrusted = CliRun.of("send", "--url", url, events.toString());
            assertEquals(3, untrusted.exit(), untrusted.err());
            assertTrue(untrusted.err().contains("trust it with --cacert FILE"), untrusted.err());

            CliRun trusted = CliRun.of("send", "--url", url, "--cacert", cert.toString(), events.toString());
            assertEquals(0, trusted.exit(), trusted.err());
            CliRun insecure = CliRun.of("send", "--url", url, "--insecure", events.toString());
            assertEquals(0, insecure.exit(), insecure.err());

            CliRun watched = CliRun.of("watch", "--url", url, "--cacert", cert.toString(), "--since", "0",
                    "--count", "1");
            assertEquals(0, watched.exit(), watched.err());
            assertEquals("a", new JsonObject(watched.out().strip()).getString("key"), "from the history, over HTTPS");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTokenIsReadFromVigilTokenWhenNoFlagGivesIt() throws Exception {
        VigilServer server = start(ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(AccessToken.parse("ingest:secret-from-the-environment"))));
        try {
            Path events = Files.writeString(dir.resolve("e.ndjson"), "{\"watermark\":2000}\n");
            String url = "http://127.0.0.1:" + server.port();
            Process withToken = child("secret-from-the-environment", "send", "--url", url, events.toString());
            Process without = child(null, "send", "--url", url, events.toString());
            assertTrue(withToken.waitFor(60, TimeUnit.SECONDS) && without.waitFor(60, TimeUnit.SECONDS));
            String withErr = new String(withToken.getErrorStream().readAllBytes());
            assertEquals(0, withToken.exitValue(), withErr);
            assertEquals(4, without.exitValue(), "the server refuses a send without a token");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private VigilServer start(ServerConfig config) throws Exception {
        return VigilServer.start(vertx, config)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private CliRun send(String url, String ndjson) throws Exception {
        Path file = Files.createTempFile(dir, "events", ".ndjson");
        Files.writeString(file, ndjson);
        return CliRun.of("send", "--url", url, file.toString());
    }

    /** {@code vigil} in a JVM of its own, with {@code VIGIL_TOKEN} set to {@code token} (or unset). */
    private Process child(String token, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                "dev.vigil.cli.Vigil"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove(ConnectionOptions.TOKEN_ENV);
        if (token != null) {
            builder.environment().put(ConnectionOptions.TOKEN_ENV, token);
        }
        return builder.start();
    }

    private static void await(StringWriter written, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!done.test(written.toString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never came; so far:\n" + written);
            }
            Thread.sleep(10);   // output of a command running on another thread: nothing to wait on but the text
        }
    }

    /** The server module's test certificate or key, copied out: inside its test jar it has no path. */
    private Path resource(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (InputStream in = ClientConnectionTest.class.getResourceAsStream("/tls/" + name)) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }
}

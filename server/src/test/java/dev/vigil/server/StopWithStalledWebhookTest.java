package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkSpec;
import dev.vigil.nfa.EventTime;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a server whose webhook is backed up (its receiver accepts connections and never answers, so requests
 * time out and retries churn on the event loop while the stop runs) is a clean stop: every sink and both logs are
 * closed, nothing throws, and the file sink next to the webhook holds every alert.
 */
@ExtendWith(VertxExtension.class)
class StopWithStalledWebhookTest {
    private static final int EVENTS = 3_000;

    @TempDir
    Path dir;

    @Test
    void aBackedUpWebhookDoesNotStopTheOtherSinksAndLogsFromClosing(Vertx vertx) throws Exception {
        try (StalledReceiver receiver = new StalledReceiver(); LogCapture said = new LogCapture()) {
            Path archive = dir.resolve("all.ndjson");
            URI url = URI.create("http://127.0.0.1:" + receiver.port() + "/");
            ServerConfig config = ServerConfig.of("127.0.0.1", 0, null).withDataDir(dir.resolve("data"))
                    .withSinks(List.of(
                            // 20 ms per attempt, retried every 1-2 ms: timers come and go all through the stop
                            new SinkDeclaration("stalled", new SinkSpec.Webhook(url, 20, 1_000, 1, 2, 10_000, 4,
                                    Map.of()), List.of("*")),
                            new SinkDeclaration("archive", SinkSpec.File.at(archive), List.of("*"))));
            VigilServer server = VigilServer.start(vertx, config)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/rules"))
                    .POST(HttpRequest.BodyPublishers.ofString("RULE every FROM payments PARTITION BY card "
                            + "PATTERN a DEFINE a AS amount >= 0 EMIT n = a.n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            StringBuilder events = new StringBuilder();
            for (int n = 0; n < EVENTS; n++) {
                events.append("{\"stream\":\"payments\",\"card\":\"c").append(n % 20).append("\",\"amount\":1,\"n\":")
                        .append(n).append(",\"ts\":").append(1_000 + n).append("}\n");
            }
            events.append("{\"watermark\": ").append(EventTime.MAX_MS).append("}");
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(events.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, posted.statusCode(), posted.body());
            awaitConnections(receiver);

            try {
                server.close().toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS);   // throws if unclean
            } catch (TimeoutException hung) {
                fail("the stop did not finish in 45 s; the server said: " + said + "\nthreads:\n" + threads());
            }

            String stderr = said.toString();
            assertFalse(stderr.contains("failed"), stderr);
            assertFalse(stderr.contains("Exception"), stderr);
            assertTrue(stderr.contains("INFO ingest log: "), "the ingest log was closed: " + stderr);
            assertEquals(EVENTS, Files.readAllLines(archive).size(), "the file sink was closed with every alert");
        }
    }

    /** Every thread's stack, for a stop that hangs. */
    private static String threads() {
        StringBuilder dump = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            dump.append('"').append(thread.getKey().getName()).append("\" ").append(thread.getKey().getState())
                    .append('\n');
            for (StackTraceElement frame : thread.getValue()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        return dump.toString();
    }

    private static void awaitConnections(StalledReceiver receiver) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (receiver.accepted.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);   // another thread's sockets: polled against a deadline
        }
        assertTrue(receiver.accepted.size() >= 4, "the webhook should have connected");
    }

    /** Accepts connections on loopback and never reads or answers: a webhook receiver that hangs. */
    private static final class StalledReceiver implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::accept, "stalled webhook receiver");

        StalledReceiver() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    accepted.add(socket.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}

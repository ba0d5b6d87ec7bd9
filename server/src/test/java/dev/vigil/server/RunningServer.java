package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.server.checkpoint.Checkpointer;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.sequencer.MemoryGuard;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real server on a free loopback port and a java.net.http client for it, for end-to-end tests. Waits poll
 * with a deadline instead of sleeping for a guessed time.
 */
final class RunningServer implements AutoCloseable {
    /**
     * How long a wait may take before the test fails: a bound on hangs, never a speed expectation (a wait ends as
     * soon as its condition holds). Ten seconds proved too short with other builds loading a 2-core machine.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final VigilServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LogCapture log = new LogCapture();

    private RunningServer(Vertx vertx, ServerConfig config, MemoryGuard.Heap heap) throws Exception {
        this.server = (heap == null ? VigilServer.start(vertx, config) : VigilServer.start(vertx, config, heap))
                .toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts a server with no rules folder. */
    static RunningServer start(Vertx vertx) throws Exception {
        return start(vertx, ServerConfig.of("127.0.0.1", 0, null));
    }

    /** Starts a server as configured; use port 0 on 127.0.0.1. */
    static RunningServer start(Vertx vertx, ServerConfig config) throws Exception {
        return new RunningServer(vertx, config, null);
    }

    /** Starts a server as configured whose memory guard reads {@code heap} instead of the JVM's. */
    static RunningServer start(Vertx vertx, ServerConfig config, MemoryGuard.Heap heap) throws Exception {
        return new RunningServer(vertx, config, heap);
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(TIMEOUT).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    /** GETs {@code path} until the body satisfies {@code done}; fails with the last body after the timeout. */
    String pollUntil(String path, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String body;
        do {
            body = get(path).body();
            if (done.test(body)) {
                return body;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return fail("GET " + path + " did not reach the expected state within " + TIMEOUT + "; last body:\n" + body);
    }

    /** Opens a WebSocket on {@code path} (with its query) whose messages and close go to {@code listener}. */
    java.net.http.WebSocket openSocket(String path, TextFrames listener) throws Exception {
        return http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    SequencerProxy ingest() {
        return server.ingest();
    }

    Checkpointer checkpointer() {
        return server.checkpointer();
    }

    java.util.List<io.vertx.ext.web.Route> routes() {
        return server.routes();
    }

    int port() {
        return server.port();
    }

    VigilServer server() {
        return server;
    }

    /** What the server logged since it started, a line per message. */
    String serverErr() {
        return log.toString();
    }

    @Override
    public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the server", interrupted);
        } finally {
            log.close();
        }
    }
}

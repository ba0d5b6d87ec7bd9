package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With a certificate and key the server speaks HTTPS and WSS only, verified by a client that trusts exactly that
 * (self-signed, test-only) certificate; a key that cannot be read stops the start with the reason.
 */
@ExtendWith(VertxExtension.class)
class TlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void httpsAndWssServeTheApiAndPlainHttpDoesNot(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withTls(
                new ServerConfig.Tls(resource("server-cert.pem"), resource("server-key.pem"))))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(resource("server-cert.pem")))
                    .connectTimeout(TIMEOUT).build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());

            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = client.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/v1/events"), new TextFrames(acks))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            socket.sendText("{\"watermark\": 1000}", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            String ack = acks.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(ack);
            assertEquals(1, new JsonObject(ack).getInteger("accepted"));

            assertThrows(IOException.class, () -> server.get("/health"), "plain HTTP gets no answer");
        }
    }

    @Test
    void aMissingKeyFileStopsTheStartWithTheReason(Vertx vertx) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> VigilServer.start(vertx,
                        ServerConfig.of("127.0.0.1", 0, null).withTls(new ServerConfig.Tls(resource("server-cert.pem"),
                                Path.of("no-such-key.pem"))))
                .toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(String.valueOf(failed.getCause().getMessage()).contains("no-such-key.pem"),
                String.valueOf(failed.getCause()));
    }

    private static Path resource(String name) throws Exception {
        return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("vigil-test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
